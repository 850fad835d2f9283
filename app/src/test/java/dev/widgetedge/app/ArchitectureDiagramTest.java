package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.gateway.GatewaySettings;
import dev.widgetedge.gateway.client.ProxyProtocol;
import dev.widgetedge.gateway.GatewayWiring;
import dev.widgetedge.server.EventLoops;
import dev.widgetedge.server.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The diagram of a request's path in {@value #PAGE} names the handlers of the pipeline that
 * {@code GatewayInitializer} really builds, in its order: each node of the diagram's
 * {@code pipeline} subgraph is a handler's name ({@code -} written {@code _}, as Mermaid ids are).
 */
class ArchitectureDiagramTest {

    static final String PAGE = "docs/architecture.md";
    private static final Pattern NODE = Pattern.compile("^\\s*([a-z_]+)\\[\"");

    @Test
    void theDiagram_listsThePipelinesHandlers_inOrder() throws IOException {
        assertThat(diagramHandlers(MarkdownDocs.read(PAGE))).isEqualTo(pipelineHandlers());
    }

    @Test
    void aDiagramWithHandlersSwapped_doesNotMatch() throws IOException {
        String page = MarkdownDocs.read(PAGE);
        String swapped = page.replace("        flow_control[\"", "        FLOW_CONTROL_LINE[\"")
                .replace("        exchange[\"", "        flow_control[\"")
                .replace("        FLOW_CONTROL_LINE[\"", "        exchange[\"");

        assertThat(diagramHandlers(swapped)).isNotEqualTo(pipelineHandlers()).containsAll(pipelineHandlers());
    }

    /**
     * The handler names of a real gateway pipeline, as built for one connection: with the PROXY
     * protocol on, so that its handlers, which only that option adds, are drawn too.
     */
    static List<String> pipelineHandlers() {
        EventLoops loops = EventLoops.create();
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        GatewayWiring wiring = GatewayWiring.start(loops,
                GatewaySettings.builder().proxyProtocol(ProxyProtocol.ANY).build(), new InMemoryWidgetKeyStore(),
                registry, Clock.systemUTC());
        EmbeddedChannel channel = new EmbeddedChannel(wiring.initializer());
        try {
            List<String> names = new ArrayList<>();
            for (String name : channel.pipeline().names()) {
                if (!name.contains("#")) {
                    names.add(name);
                }
            }
            return names;
        } finally {
            channel.finishAndReleaseAll();
            wiring.close(Duration.ZERO);
            loops.shutdown(Duration.ofSeconds(2));
            registry.close();
        }
    }

    /** The node ids of the {@code pipeline} subgraph of the page's Mermaid diagram, in order, as handler names. */
    static List<String> diagramHandlers(String page) {
        List<String> mermaid = MarkdownDocs.codeBlocks(MarkdownDocs.section(page, "A request's path through the gateway"),
                "mermaid");
        assertThat(mermaid).as("one Mermaid diagram").hasSize(1);
        List<String> handlers = new ArrayList<>();
        boolean inPipeline = false;
        for (String line : mermaid.get(0).lines().toList()) {
            if (line.strip().startsWith("subgraph pipeline")) {
                inPipeline = true;
            } else if (line.strip().equals("end")) {
                inPipeline = false;
            } else if (inPipeline) {
                Matcher node = NODE.matcher(line);
                if (node.find()) {
                    handlers.add(node.group(1).replace('_', '-'));
                }
            }
        }
        return handlers;
    }
}
