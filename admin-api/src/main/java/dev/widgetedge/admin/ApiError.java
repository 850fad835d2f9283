package dev.widgetedge.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the admin API refuses, with the status and the plain-text sentence it answers. The
 * sentences are fixed per error (docs/admin-api.md); a detail may follow after {@code ": "}.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final String INVALID_BODY = "Invalid body";
    static final String INVALID_BODY_OR_NAME = "Invalid body or name required";

    private final transient HttpResponseStatus status;

    private ApiError(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }

    static ApiError unauthorized() {
        return new ApiError(HttpResponseStatus.UNAUTHORIZED, "Missing or invalid bearer token");
    }

    static ApiError missingAccount() {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "Missing X-Account-ID header");
    }

    static ApiError invalidAccountHeader(String detail) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "Invalid X-Account-ID header: " + detail);
    }

    static ApiError accountNotPermitted() {
        return new ApiError(HttpResponseStatus.FORBIDDEN, "Token not permitted for this account");
    }

    static ApiError keyNotFound() {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "Widget key not found");
    }

    /** {@code sentence} is {@link #INVALID_BODY} or {@link #INVALID_BODY_OR_NAME}, per call. */
    static ApiError invalidBody(String sentence, String detail) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, sentence + ": " + detail);
    }

    static ApiError keyDisabled() {
        return new ApiError(HttpResponseStatus.CONFLICT, "Widget key is disabled");
    }

    static ApiError invalidQuery(String detail) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "Invalid query: " + detail);
    }

    static ApiError databaseError() {
        return new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Database error");
    }

    static ApiError internalError() {
        return new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error");
    }

    static ApiError notFound() {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "Not found");
    }

    static ApiError methodNotAllowed() {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed");
    }
}
