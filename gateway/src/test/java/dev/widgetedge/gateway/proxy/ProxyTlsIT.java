package dev.widgetedge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy to an {@code https} upstream whose certificate (for {@code localhost}) is made by
 * {@code keytool} for the test run: reached when trusted, {@code 502} when not.
 */
class ProxyTlsIT {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static KeyStore keyStore;

    private TestUpstream upstream;
    private ProxyFixture proxy;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path file = dir.resolve("upstream.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void trustedUpstream_isReachedOverTls() throws Exception {
        upstream = TestUpstream.startTls(serverTls());
        proxy = ProxyFixture.startTrusting(upstream.uri("localhost"), trustingClientTls());

        try (RawClient client = proxy.connect()) {
            for (int i = 0; i < 2; i++) {
                RawClient.Response response = client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read();

                assertThat(response.status()).isEqualTo(200);
                assertThat(response.text()).isEqualTo("GET /v1/widget/config 0");
            }
        }
        assertThat(upstream.received().get(0).header("Host")).isEqualTo(upstream.uri("localhost").getAuthority());
        assertThat(upstream.connections()).hasSize(1);
    }

    @Test
    void untrustedUpstreamCertificate_is502() throws Exception {
        upstream = TestUpstream.startTls(serverTls());
        proxy = ProxyFixture.start(upstream.uri("localhost"));

        try (RawClient client = proxy.connect()) {
            RawClient.Response response = client.send("GET /v1/widget/config HTTP/1.1\r\nHost: a\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.text()).contains("\"error\":\"upstream_unavailable\"");
        }
        assertThat(upstream.received()).isEmpty();
    }

    private static SSLContext serverTls() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        return tls;
    }

    private static SslContext trustingClientTls() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore);
        return SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm("HTTPS").build();
    }
}
