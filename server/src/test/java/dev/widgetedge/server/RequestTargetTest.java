package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link RequestTarget#parse}: one reading of a request target, for routing and rewriting alike. */
class RequestTargetTest {

    @Test
    void theOriginForm_isItsPathAndQuery() {
        RequestTarget target = RequestTarget.parse("/v1/widget/x?key=k&p=/y");

        assertThat(target.path()).isEqualTo("/v1/widget/x");
        assertThat(target.query()).isEqualTo("key=k&p=/y");
        assertThat(target.originForm()).isEqualTo("/v1/widget/x?key=k&p=/y");
        assertThat(target.authority()).isNull();
    }

    @Test
    void aPathWithoutQuery_isTheTargetItself() {
        String text = "/v1/widget/bootstrap";

        assertThat(RequestTarget.parse(text).path()).isSameAs(text);
        assertThat(RequestTarget.parse(text).query()).isNull();
        assertThat(RequestTarget.parse("/a?").query()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://edge.example.com/a/b?c=d     | /a/b | c=d                | /a/b?c=d                 | edge.example.com",
        "HTTPS://edge.example.com:8443/a     | /a   |                    | /a                       | edge.example.com:8443",
        "http://edge.example.com             | /    |                    | /                        | edge.example.com",
        "http://x?key=K&p=/v1/widget/        | /    | key=K&p=/v1/widget/ | /?key=K&p=/v1/widget/   | x",
        "http://[::1]:8080/v1/widget/x?y     | /v1/widget/x | y          | /v1/widget/x?y           | [::1]:8080",
    })
    void theAbsoluteForm_endsItsAuthorityAtTheFirstSlashOrQuestionMark(String text, String path, String query,
            String originForm, String authority) {
        RequestTarget target = RequestTarget.parse(text);

        assertThat(target.path()).isEqualTo(path);
        assertThat(target.query()).isEqualTo(query);
        assertThat(target.originForm()).isEqualTo(originForm);
        assertThat(target.authority()).isEqualTo(authority);
    }

    @Test
    void theAsteriskForm_hasThePathAsterisk() {
        assertThat(RequestTarget.parse("*").path()).isEqualTo("*");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/v1/widget/x#/../../admin",
        "/v1/widget/x?key=k#frag",
        "#",
        "http://edge.example.com/v1/widget/x#y",
    })
    void aFragment_anywhere_is400(String text) {
        assertThatThrownBy(() -> RequestTarget.parse(text))
                .isInstanceOfSatisfying(RefusedRequestException.class,
                        refused -> assertThat(refused.status().code()).isEqualTo(400))
                .hasMessage("Invalid request target: a fragment (#) is not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/v1/widget/\u0001x",
        "/v1/widget/\u007f",
        "/v1/widget/\u00e9",
        "/v1/widget/x\ty",
        "/v1/widget/x y",
    })
    void aCharacterThatIsNotPrintableAscii_is400(String text) {
        assertThatThrownBy(() -> RequestTarget.parse(text))
                .isInstanceOf(RefusedRequestException.class)
                .hasMessage("Invalid request target: only printable ASCII is allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "v1/widget/x",
        "edge.example.com:443",
        "http:/v1/widget/x",
        "ftp://edge.example.com/v1/widget/x",
        "http:///v1/widget/x",
        "http://user@edge.example.com/v1/widget/x",
        "http://user:pw@edge.example.com/v1/widget/x",
        "http://edge.example.com:/v1/widget/x",
        "http://edge.example.com:99999/v1/widget/x",
        "http://[::1/v1/widget/x",
        "http://edge..example.com/v1/widget/x",
        "http://%65vil.test/v1/widget/x",
        "**",
    })
    void otherForms_andAbsoluteFormsWithABadAuthority_are400(String text) {
        assertThatThrownBy(() -> RequestTarget.parse(text))
                .isInstanceOfSatisfying(RefusedRequestException.class,
                        refused -> assertThat(refused.status().code()).isEqualTo(400))
                .hasMessageStartingWith("Invalid request target: ");
    }
}
