package dev.widgetedge.core.origin;

/**
 * Why a text is not an acceptable origin or allowlist entry. Each phrase reads after the name of
 * the field that held the text ({@code domain_allowlist[1] has a path}) and never contains the
 * text itself, which may be long or hostile.
 */
enum Defect {
    EMPTY("is empty"),
    WHITESPACE("contains whitespace"),
    CONTROL_CHARACTER("contains a control character"),
    COMMA("contains a comma"),
    NOT_AN_ORIGIN("is not an origin (expected scheme://host[:port])"),
    UNSUPPORTED_SCHEME("has an unsupported scheme (expected http or https)"),
    USERINFO("has userinfo"),
    PATH("has a path"),
    QUERY("has a query"),
    FRAGMENT("has a fragment"),
    INVALID_PORT("has an invalid port"),
    NO_HOST("has no host"),
    INVALID_HOST("has an invalid host"),
    WILDCARD("has a wildcard"),
    WILDCARD_NOT_LEFTMOST("has a wildcard that is not the leftmost label"),
    WILDCARD_NOT_WHOLE_LABEL("has a wildcard that is not a whole label"),
    WILDCARD_WITHOUT_DOMAIN("has a wildcard without a domain"),
    WILDCARD_OVER_TLD("has a wildcard over a top-level domain"),
    WILDCARD_OVER_IP_ADDRESS("has a wildcard over an IP address");

    private final String phrase;

    Defect(String phrase) {
        this.phrase = phrase;
    }

    String phrase() {
        return phrase;
    }
}
