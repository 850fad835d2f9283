package dev.widgetedge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.widgetedge.app.PackagedJar.Running;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser as the judge: real headless Chromium loads pages from two real origins that embed
 * {@code /v1/widget.js} from the packaged {@code widget-edge dev}, and the page itself reports
 * what the loader announced. CORS is enforced by the browser, not by this test: a page on an
 * origin that is not on the allowlist must not be able to read the bootstrap.
 *
 * <p>Needs Chromium and chromedriver (Debian: {@code chromium}, {@code chromium-driver}; {@code
 * .ci/run} installs them). Without them the test fails, it is never skipped. Other locations can
 * be given with {@code -Dwidget-edge.chromium=…} and {@code -Dwidget-edge.chromedriver=…}.
 */
class BrowserEmbedIT {

    private static final String CHROMIUM = System.getProperty("widget-edge.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("widget-edge.chromedriver", "/usr/bin/chromedriver");
    private static final Path EXAMPLES = Path.of(System.getProperty("widget-edge.examples", "../examples/embed"));
    private static final String TOKEN = "browser-test-token-0123456789";
    private static final String ACCOUNT = "acct_browser";
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The test uses WebDriver only, never the DevTools protocol, so Selenium's warning that it has
     * no CDP bindings for this Chromium version is noise. Held here so the setting is not collected.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final PackagedJar JAR = new PackagedJar();
    private static final Queue<UpstreamRequest> UPSTREAM_REQUESTS = new ConcurrentLinkedQueue<>();

    private static HttpServer upstream;
    private static HttpServer siteA;
    private static HttpServer siteB;
    private static Path profile;
    private static WebDriver browser;

    private static String gateway;
    private static String admin;
    private static String ops;
    /** On the keys' allowlists. */
    private static String originA;
    /** On no allowlist. */
    private static String originB;

    /** A request as the upstream received it. */
    private record UpstreamRequest(String method, URI uri, Headers headers, String body) {
    }

    private record CreatedKey(String id, String key) {
    }

    @BeforeAll
    static void startEverything() throws Exception {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        requireExecutable(CHROMIUM, "Chromium", "widget-edge.chromium");
        requireExecutable(CHROMEDRIVER, "chromedriver", "widget-edge.chromedriver");
        assertThat(EXAMPLES.resolve("index.html")).as("the example page").isRegularFile();

        upstream = startServer(BrowserEmbedIT::echo);
        Running dev = JAR.start("dev", "--port", "0", "--admin-port", "0", "--ops-port", "0",
                "--admin-token", TOKEN, "--account", ACCOUNT, "--no-demo",
                "--upstream", "http://127.0.0.1:" + upstream.getAddress().getPort());
        gateway = "http://127.0.0.1:" + dev.portOnLine("gateway      http://127.0.0.1:", "127.0.0.1:");
        admin = "http://127.0.0.1:" + dev.portOnLine("admin API    http://127.0.0.1:", "127.0.0.1:");
        ops = "http://127.0.0.1:" + dev.portOnLine("ops          http://127.0.0.1:", "127.0.0.1:");

        siteA = startServer(BrowserEmbedIT::page);
        siteB = startServer(BrowserEmbedIT::page);
        originA = "http://127.0.0.1:" + siteA.getAddress().getPort();
        originB = "http://127.0.0.1:" + siteB.getAddress().getPort();

        browser = startChromium();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            for (HttpServer server : new HttpServer[] {siteA, siteB, upstream}) {
                if (server != null) {
                    server.stop(0);
                }
            }
            JAR.close();
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }

    @Test
    void pageOnAnAllowedOrigin_receivesReady_withTheBootstrapJson() throws Exception {
        CreatedKey key = createKey("agent_browser_a");

        JsonNode bootstrap = loadExample(originA, key, "ready");

        assertThat(bootstrap.get("key_id").asText()).isEqualTo(key.id());
        assertThat(bootstrap.get("account_id").asText()).isEqualTo(ACCOUNT);
        assertThat(bootstrap.get("agent_id").asText()).isEqualTo("agent_browser_a");
    }

    @Test
    void pageOnAnOriginNotOnTheAllowlist_receivesError_andNeverTheConfig() throws Exception {
        CreatedKey key = createKey("agent_browser_b");
        double refusedBefore = gatewayRequests("origin_not_allowed");

        JsonNode error = loadExample(originB, key, "error");

        // The refusal carries no CORS header, so the browser hides even its status from the page.
        assertThat(error).isEqualTo(JSON.readTree("{\"reason\":\"network\"}"));
        assertThat(pageText()).doesNotContain(key.id(), ACCOUNT, "agent_browser_b");
        assertThat(gatewayRequests("origin_not_allowed")).isEqualTo(refusedBefore + 1);
        // The same key on the allowed origin works: the refusal was about the origin.
        assertThat(loadExample(originA, key, "ready").get("key_id").asText()).isEqualTo(key.id());
    }

    @Test
    void keyRevokedThroughTheAdminApi_reloadOnTheAllowedOrigin_receivesError() throws Exception {
        CreatedKey key = createKey("agent_browser_c");
        assertThat(loadExample(originA, key, "ready").get("key_id").asText()).isEqualTo(key.id());
        double disabledBefore = gatewayRequests("key_disabled");

        HttpResponse<String> revoked = adminCall("PATCH", "/" + key.id(), "{\"disabled\":true}");
        assertThat(revoked.statusCode()).isEqualTo(204);
        browser.navigate().refresh();

        assertThat(awaitState("status", "ready", "error")).isEqualTo("error");
        assertThat(detail("detail")).isEqualTo(JSON.readTree("{\"reason\":\"network\"}"));
        assertThat(pageText()).doesNotContain(ACCOUNT, "agent_browser_c");
        assertThat(gatewayRequests("key_disabled")).isEqualTo(disabledBefore + 1);
    }

    @Test
    void jsonPostFromTheAllowedOrigin_isPreflighted_proxiedToTheUpstream_andReadByThePage() throws Exception {
        CreatedKey key = createKey("agent_browser_d");
        UPSTREAM_REQUESTS.clear();
        double preflightsBefore = gatewayRequests("preflight");

        browser.get(originA + "/echo.html?key=" + key.key() + "&edge=" + gateway);

        assertThat(awaitState("status", "ready", "error")).as(pageText()).isEqualTo("ready");
        assertThat(awaitState("echo", "done", "error")).as(pageText()).isEqualTo("done");
        assertThat(browser.findElement(By.id("echo")).getText()).isEqualTo("200");
        assertThat(detail("echo-body")).isEqualTo(JSON.readTree("{\"message\":\"hello from the page\",\"n\":42}"));
        assertThat(gatewayRequests("preflight")).isEqualTo(preflightsBefore + 1);
        // The preflight is answered at the edge; only the POST reaches the upstream, with the identity headers.
        assertThat(UPSTREAM_REQUESTS).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.uri().getPath()).isEqualTo("/v1/widget/echo");
            assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
            assertThat(request.headers().getFirst("Origin")).isEqualTo(originA);
            assertThat(request.headers().getFirst("X-Widget-Key-Id")).isEqualTo(key.id());
            assertThat(request.headers().getFirst("X-Widget-Account-Id")).isEqualTo(ACCOUNT);
            assertThat(request.headers().getFirst("X-Widget-Agent-Id")).isEqualTo("agent_browser_d");
            assertThat(request.body()).isEqualTo("{\"message\":\"hello from the page\",\"n\":42}");
        });
    }

    /** Loads examples/embed/index.html from {@code origin} and waits for the loader's verdict. */
    private static JsonNode loadExample(String origin, CreatedKey key, String expectedState) throws IOException {
        browser.get(origin + "/?key=" + key.key() + "&edge=" + gateway);
        assertThat(awaitState("status", "ready", "error")).as(pageText()).isEqualTo(expectedState);
        return detail("detail");
    }

    /** Waits until the page sets the element's {@code data-state} to one of {@code finalStates}. */
    private static String awaitState(String elementId, String... finalStates) {
        Set<String> wanted = Set.of(finalStates);
        return new WebDriverWait(browser, PAGE_TIMEOUT)
                .withMessage(() -> "#" + elementId + " to reach one of " + wanted + "; the page says: " + pageText())
                .until(driver -> {
                    String state = driver.findElement(By.id(elementId)).getDomAttribute("data-state");
                    return wanted.contains(state) ? state : null;
                });
    }

    private static JsonNode detail(String elementId) throws IOException {
        return JSON.readTree(browser.findElement(By.id(elementId)).getDomProperty("textContent"));
    }

    private static String pageText() {
        try {
            return browser.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static CreatedKey createKey(String agentId) throws IOException, InterruptedException {
        HttpResponse<String> created = adminCall("POST", "", "{\"name\":\"browser test\",\"agent_id\":\"" + agentId
                + "\",\"domain_allowlist\":[\"" + originA + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(created.body());
        return new CreatedKey(body.get("id").asText(), body.get("key").asText());
    }

    private static HttpResponse<String> adminCall(String method, String path, String body)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/api/v1/widget-keys" + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code widget_gateway_requests_total{outcome}} as the ops port reports it now. */
    private static double gatewayRequests(String outcome) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(ops + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher value = Pattern.compile("(?m)^widget_gateway_requests_total\\{outcome=\"" + Pattern.quote(outcome)
                + "\"} (\\S+)$").matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    private static void requireExecutable(String path, String what, String property) {
        if (!Files.isExecutable(Path.of(path))) {
            fail(what + " not found at " + path + ". This test needs a real browser: install the Debian packages"
                    + " chromium and chromium-driver (.ci/run does), or point -D" + property + "= at " + what + ".");
        }
    }

    private static WebDriver startChromium() throws IOException {
        profile = Files.createTempDirectory("widget-edge-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile);
        // An explicit driver executable keeps Selenium Manager from looking for (or downloading) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(PAGE_TIMEOUT);
        return driver;
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static HttpServer startServer(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return server;
    }

    /** The static sites: the example page as a user serves it, and the proxied-POST page. */
    private static void page(HttpExchange exchange) throws IOException {
        byte[] body = switch (exchange.getRequestURI().getPath()) {
            case "/", "/index.html" -> Files.readAllBytes(EXAMPLES.resolve("index.html"));
            case "/echo.html" -> resource("echo.html");
            default -> null;
        };
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    /** The upstream stand-in: records the request and answers with the JSON body it received. */
    private static void echo(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        UPSTREAM_REQUESTS.add(new UpstreamRequest(exchange.getRequestMethod(), exchange.getRequestURI(),
                copy(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static Headers copy(Headers headers) {
        Headers copy = new Headers();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            copy.put(header.getKey(), List.copyOf(header.getValue()));
        }
        return copy;
    }

    private static byte[] resource(String name) {
        try (InputStream in = BrowserEmbedIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
