"""Timeouts, network errors and retries, against real local servers: a port that accepts and never
answers, a port nothing listens on, and a small HTTP server that answers a script."""

from __future__ import annotations

import io
import json
import logging
import pickle
import traceback
import unittest

from widget_edge import WidgetEdge, WidgetEdgeError

from .servers import ScriptedServer, SilentServer, Step, free_port

TOKEN = "network-test-token-0123456789abcdef"
KEY_ID = "0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e"
CREATED = json.dumps({"id": KEY_ID, "account_id": "a", "name": "n", "agent_id": None, "domain_allowlist": [],
                      "key_last8": "nJ24A67T", "created_at": "2026-11-24T05:51:00.123Z",
                      "updated_at": "2026-11-24T05:51:00.123Z", "disabled_at": None, "last_used_at": None,
                      "expires_at": None, "mode": "enforce",
                      "rate_limits": {"per_client_per_minute": None, "per_key_per_minute": None},
                      "rotated_from": None, "replaced_by": None,
                      "key": "pk_live_ZlV9vZQvUdhbjGIBE6rR0S90Vbn3nJ24A67T", "a_field_from_a_newer_server": 1})


def unavailable() -> Step:
    return Step(503, "Service unavailable")


def too_many(retry_after: str = "1") -> Step:
    return Step(429, "Too many requests", headers={"Retry-After": retry_after})


def empty_list() -> Step:
    return Step(200, "[]", content_type="application/json")


def no_content() -> Step:
    return Step(204)


class ServersTestCase(unittest.TestCase):
    def scripted(self, *script: Step) -> ScriptedServer:
        server = ScriptedServer(*script)
        self.addCleanup(server.close)
        return server

    def silent(self) -> SilentServer:
        server = SilentServer()
        self.addCleanup(server.close)
        return server


class TimeoutTest(ServersTestCase):
    def test_a_server_that_never_answers_times_out_with_status_0_and_the_get_is_retried(self) -> None:
        silent = self.silent()
        client = WidgetEdge(silent.base_url, TOKEN, timeout=0.3, max_retries=1)

        with self.assertRaises(WidgetEdgeError) as caught:
            client.widget_keys.list()

        error = caught.exception
        self.assertEqual(error.status, 0)
        self.assertEqual(error.sentence, "Timed out after 0.3 s")
        self.assertEqual(str(error), "Timed out after 0.3 s (no response to GET /api/v1/widget-keys)")
        self.assertIsNotNone(error.__cause__)
        self.assertEqual(silent.connections(), 2, "the first attempt and one retry")

    def test_a_post_that_times_out_is_not_retried(self) -> None:
        silent = self.silent()
        client = WidgetEdge(silent.base_url, TOKEN, timeout=0.2, max_retries=3)

        with self.assertRaises(WidgetEdgeError) as caught:
            client.widget_keys.create("x")

        self.assertEqual(caught.exception.status, 0)
        self.assertEqual(silent.connections(), 1)


class NetworkErrorTest(unittest.TestCase):
    def test_a_refused_connection_is_status_0_with_the_reason(self) -> None:
        client = WidgetEdge(f"http://127.0.0.1:{free_port()}", TOKEN, max_retries=0)

        with self.assertRaises(WidgetEdgeError) as caught:
            client.widget_keys.delete(KEY_ID)

        error = caught.exception
        self.assertEqual((error.status, error.sentence), (0, "Network error"))
        self.assertIn("Connection refused", error.detail or "")
        self.assertIsNotNone(error.__cause__, "the underlying error is kept as the cause")


class RetryTest(ServersTestCase):
    def test_get_is_retried_on_503_until_it_succeeds(self) -> None:
        server = self.scripted(unavailable(), unavailable(), empty_list())

        self.assertEqual(WidgetEdge(server.base_url, TOKEN).widget_keys.list(), [])
        self.assertEqual(len(server.requests), 3)

    def test_patch_and_delete_are_retried_on_5xx(self) -> None:
        server = self.scripted(Step(500, "Database error"), no_content(), Step(502, "Bad gateway"), no_content())
        client = WidgetEdge(server.base_url, TOKEN)

        client.widget_keys.update(KEY_ID, disabled=True)
        client.widget_keys.delete(KEY_ID)

        self.assertEqual([request.method for request in server.requests], ["PATCH", "PATCH", "DELETE", "DELETE"])
        self.assertEqual(server.requests[1].body, '{"disabled": true}', "the retry sends the same body")

    def test_429_is_retried_after_retry_after(self) -> None:
        server = self.scripted(too_many("1"), empty_list())

        self.assertEqual(WidgetEdge(server.base_url, TOKEN).widget_keys.list(), [])

        self.assertEqual(len(server.requests), 2)
        waited = server.requests[1].at - server.requests[0].at
        self.assertGreaterEqual(waited, 0.95, "Retry-After asked for 1 s")

    def test_a_retry_after_beyond_a_minute_is_not_waited_for(self) -> None:
        server = self.scripted(too_many("3600"), empty_list())

        with self.assertRaises(WidgetEdgeError) as caught:
            WidgetEdge(server.base_url, TOKEN).widget_keys.list()

        self.assertEqual(caught.exception.status, 429)
        self.assertEqual(len(server.requests), 1)

    def test_retries_stop_after_max_retries_and_the_last_error_is_raised(self) -> None:
        server = self.scripted(unavailable())

        with self.assertRaises(WidgetEdgeError) as caught:
            WidgetEdge(server.base_url, TOKEN, max_retries=3).widget_keys.list()

        self.assertEqual((caught.exception.status, caught.exception.sentence), (503, "Service unavailable"))
        self.assertEqual(len(server.requests), 4, "the first attempt and 3 retries")

    def test_max_retries_defaults_to_2(self) -> None:
        server = self.scripted(unavailable())

        with self.assertRaises(WidgetEdgeError):
            WidgetEdge(server.base_url, TOKEN).widget_keys.list()

        self.assertEqual(len(server.requests), 3)

    def test_max_retries_0_makes_one_attempt(self) -> None:
        server = self.scripted(unavailable(), empty_list())

        with self.assertRaises(WidgetEdgeError):
            WidgetEdge(server.base_url, TOKEN, max_retries=0).widget_keys.list()

        self.assertEqual(len(server.requests), 1)

    def test_post_is_never_retried_not_even_on_503_or_429(self) -> None:
        for refusal in (unavailable(), too_many()):
            with self.subTest(status=refusal.status):
                server = self.scripted(refusal, Step(201, CREATED, content_type="application/json"))

                with self.assertRaises(WidgetEdgeError) as caught:
                    WidgetEdge(server.base_url, TOKEN, max_retries=5).widget_keys.create("once")

                self.assertEqual(caught.exception.status, refusal.status)
                self.assertEqual(len(server.requests), 1)

    def test_rotate_is_a_post_and_never_retried_either(self) -> None:
        server = self.scripted(unavailable(), Step(201, CREATED, content_type="application/json"))

        with self.assertRaises(WidgetEdgeError) as caught:
            WidgetEdge(server.base_url, TOKEN, max_retries=5).widget_keys.rotate(KEY_ID, grace_seconds=60)

        self.assertEqual(caught.exception.status, 503)
        self.assertEqual(len(server.requests), 1)

    def test_the_report_and_audit_reads_are_gets_retried_on_503(self) -> None:
        server = self.scripted(unavailable(), empty_list(), unavailable(), empty_list(), unavailable(), empty_list())
        client = WidgetEdge(server.base_url, TOKEN)

        self.assertEqual(client.widget_keys.origins(KEY_ID), [])
        self.assertEqual(client.widget_keys.usage(KEY_ID), [])
        self.assertEqual(client.audit_events.list(), [])
        self.assertEqual(len(server.requests), 6)

    def test_a_4xx_other_than_429_is_not_retried(self) -> None:
        server = self.scripted(Step(400, "Invalid body: name must be a string"), no_content())

        with self.assertRaises(WidgetEdgeError) as caught:
            WidgetEdge(server.base_url, TOKEN).widget_keys.update(KEY_ID, name="x")

        self.assertEqual((caught.exception.status, caught.exception.detail), (400, "name must be a string"))
        self.assertEqual(len(server.requests), 1)

    def test_a_redirect_is_not_followed(self) -> None:
        elsewhere = self.scripted(empty_list())
        server = self.scripted(Step(302, "", headers={"Location": elsewhere.base_url + "/api/v1/widget-keys"}))

        with self.assertRaises(WidgetEdgeError) as caught:
            WidgetEdge(server.base_url, TOKEN).widget_keys.list()

        self.assertEqual(caught.exception.status, 302)
        self.assertEqual(elsewhere.requests, [], "the token is not sent to where the redirect points")


class WhatIsSentTest(ServersTestCase):
    def test_the_token_the_account_and_json_bodies(self) -> None:
        server = self.scripted(Step(201, CREATED, content_type="application/json"), empty_list())

        created = WidgetEdge(server.base_url, TOKEN, account_id="acct_123").widget_keys.create(
            "n", domain_allowlist=("https://acme.com",), agent_id="agent_1")
        WidgetEdge(server.base_url, TOKEN).widget_keys.list()

        self.assertEqual(created.key, "pk_live_ZlV9vZQvUdhbjGIBE6rR0S90Vbn3nJ24A67T")
        create, listing = server.requests
        self.assertEqual((create.method, create.path), ("POST", "/api/v1/widget-keys"))
        self.assertEqual(create.headers["authorization"], f"Bearer {TOKEN}")
        self.assertEqual(create.headers["x-account-id"], "acct_123")
        self.assertEqual(create.headers["content-type"], "application/json")
        self.assertEqual(json.loads(create.body), {"name": "n", "domain_allowlist": ["https://acme.com"], "agent_id": "agent_1"})
        self.assertEqual(listing.method, "GET")
        self.assertNotIn("x-account-id", listing.headers)
        self.assertNotIn("content-type", listing.headers)

    def test_update_sends_only_the_fields_given_and_none_unpins(self) -> None:
        server = self.scripted(no_content())
        keys = WidgetEdge(server.base_url, TOKEN).widget_keys

        keys.update(KEY_ID, name="n")
        keys.update(KEY_ID, agent_id=None)
        keys.update(KEY_ID, **{"disabled": False, "domain_allowlist": []})

        self.assertEqual([json.loads(request.body) for request in server.requests],
                         [{"name": "n"}, {"agent_id": None}, {"disabled": False, "domain_allowlist": []}])

    def test_the_lifecycle_calls_their_paths_queries_and_bodies(self) -> None:
        server = self.scripted(Step(201, CREATED, content_type="application/json"),
                               Step(201, CREATED, content_type="application/json"),
                               *[empty_list() for _ in range(5)], no_content())
        client = WidgetEdge(server.base_url, TOKEN)

        client.widget_keys.rotate(KEY_ID, grace_seconds=0)
        client.widget_keys.rotate(KEY_ID)
        client.widget_keys.origins(KEY_ID, hours=168)
        client.widget_keys.usage(KEY_ID, days=7)
        client.widget_keys.usage(KEY_ID)
        client.audit_events.list(key_id=KEY_ID, limit=5, before="1764049860123-0")
        client.audit_events.list()
        client.widget_keys.update(KEY_ID, expires_at=None, mode="report")
        client.widget_keys.update(KEY_ID, name="n")

        requests = server.requests
        self.assertEqual((requests[0].method, requests[0].path), ("POST", f"/api/v1/widget-keys/{KEY_ID}/rotate"))
        self.assertEqual(json.loads(requests[0].body), {"grace_seconds": 0})
        self.assertEqual(json.loads(requests[1].body), {})
        self.assertEqual([request.path for request in requests[2:7]], [
            f"/api/v1/widget-keys/{KEY_ID}/origins?hours=168", f"/api/v1/widget-keys/{KEY_ID}/usage?days=7",
            f"/api/v1/widget-keys/{KEY_ID}/usage", f"/api/v1/audit-events?key_id={KEY_ID}&limit=5&before=1764049860123-0",
            "/api/v1/audit-events"])
        self.assertEqual(json.loads(requests[7].body), {"expires_at": None, "mode": "report"})
        self.assertEqual(json.loads(requests[8].body), {"name": "n"}, "expires_at left out keeps it")

    def test_a_base_url_with_a_path_prefix_keeps_it(self) -> None:
        server = self.scripted(empty_list())

        WidgetEdge(server.base_url + "/edge-admin/", TOKEN).widget_keys.list()

        self.assertEqual(server.requests[0].path, "/edge-admin/api/v1/widget-keys")


class TokenSecrecyTest(ServersTestCase):
    def test_not_in_repr_errors_tracebacks_or_logs_even_when_the_server_echoes_it(self) -> None:
        server = self.scripted(Step(500, f"Database error: saw Bearer {TOKEN}"))
        client = WidgetEdge(server.base_url, TOKEN, account_id="acct_1", max_retries=1)
        log = io.StringIO()
        handler = logging.StreamHandler(log)
        logger = logging.getLogger("widget_edge")
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        self.addCleanup(logger.removeHandler, handler)
        self.addCleanup(logger.setLevel, logging.NOTSET)

        with self.assertRaises(WidgetEdgeError) as caught:
            client.widget_keys.list()

        error = caught.exception
        self.assertEqual(str(error), "Database error: saw Bearer [redacted] (HTTP 500 to GET /api/v1/widget-keys)")
        self.assertIn("retry 1 of 1", log.getvalue())
        shown = (str(error), repr(error), "".join(traceback.format_exception(type(error), error, error.__traceback__)),
                 repr(client), str(client), repr(client.widget_keys), repr(client._http._token), log.getvalue())
        for text in shown:
            self.assertNotIn(TOKEN, text)
        self.assertEqual(repr(client), f"WidgetEdge(base_url='{server.base_url}', account_id='acct_1')")
        with self.assertRaises(TypeError):
            pickle.dumps(client._http._token)

    def test_a_malformed_token_is_refused_without_being_echoed(self) -> None:
        with self.assertRaises(ValueError) as caught:
            WidgetEdge("http://127.0.0.1:1", "secret with spaces\r\nX-Injected: 1")

        self.assertNotIn("secret", str(caught.exception))

    def test_the_error_survives_pickling(self) -> None:
        error = WidgetEdgeError(400, "Invalid body: name must be a string", "PATCH", "/api/v1/widget-keys/x")

        copy = pickle.loads(pickle.dumps(error))

        self.assertEqual((copy.status, copy.sentence, copy.detail, str(copy)),
                         (400, "Invalid body", "name must be a string", str(error)))


class ArgumentsTest(unittest.TestCase):
    def test_malformed_arguments_are_value_errors(self) -> None:
        cases = [
            ("a base URL that is not a URL", dict(base_url="127.0.0.1:8081"), "base_url must be an http"),
            ("another scheme", dict(base_url="ftp://127.0.0.1"), "base_url must be an http"),
            ("a base URL with /api/v1", dict(base_url="http://127.0.0.1:8081/api/v1/"), "without /api/v1"),
            ("credentials in the base URL", dict(base_url="http://user:pw@127.0.0.1"), "without credentials"),
            ("an empty token", dict(token=""), "token must be"),
            ("an empty account", dict(account_id=""), "account_id must be"),
            ("a zero timeout", dict(timeout=0), "timeout must be"),
            ("negative retries", dict(max_retries=-1), "max_retries must be"),
            ("fractional retries", dict(max_retries=1.5), "max_retries must be"),
        ]
        for name, override, message in cases:
            with self.subTest(name):
                arguments = dict(base_url="http://127.0.0.1:8081", token=TOKEN)
                arguments.update(override)
                with self.assertRaises(ValueError) as caught:
                    WidgetEdge(**arguments)  # type: ignore[arg-type]
                self.assertIn(message, str(caught.exception))

    def test_an_empty_key_id_and_a_string_allowlist_are_refused_before_any_request(self) -> None:
        keys = WidgetEdge(f"http://127.0.0.1:{free_port()}", TOKEN).widget_keys

        with self.assertRaises(ValueError):
            keys.delete("")
        with self.assertRaises(TypeError):
            keys.create("n", domain_allowlist="https://acme.com")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            keys.update(KEY_ID, colour="blue")  # type: ignore[call-arg]


if __name__ == "__main__":
    unittest.main()
