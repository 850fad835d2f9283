"""Every widget-keys call and every error status the dev server can give, against the packaged jar in dev mode."""

from __future__ import annotations

import dataclasses
import re
import traceback
import unittest
from datetime import datetime, timedelta, timezone

from widget_edge import AuditEvent, CreatedWidgetKey, RateLimits, WidgetEdge, WidgetEdgeError, WidgetKey

from .servers import DevServer

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


class AgainstDev:
    """A dev server of its own per test class (in account ACCOUNT), and a client of it."""

    ACCOUNT: str
    dev: DevServer
    client: WidgetEdge

    @classmethod
    def setUpClass(cls) -> None:
        cls.dev = DevServer(account=cls.ACCOUNT)
        cls.client = WidgetEdge(cls.dev.base_url, cls.dev.token)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.dev.close()

    def listed(self, key_id: str) -> WidgetKey:
        [key] = [key for key in self.client.widget_keys.list() if key.id == key_id]
        return key


class DevServerTest(AgainstDev, unittest.TestCase):
    ACCOUNT = "acct_sdk_py"

    def test_create_returns_the_created_key_once_and_list_shows_its_metadata_only(self) -> None:
        created = self.client.widget_keys.create(
            "  acme.com production  ",
            domain_allowlist=["HTTPS://Acme.com:443/", "https://*.acme.com"],
            agent_id="agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z",
        )

        self.assertIsInstance(created, CreatedWidgetKey)
        self.assertRegex(created.id, UUID)
        self.assertEqual(created.account_id, "acct_sdk_py")
        self.assertEqual(created.name, "acme.com production")
        self.assertEqual(created.agent_id, "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z")
        self.assertEqual(created.domain_allowlist, ["https://acme.com", "https://*.acme.com"])
        self.assertRegex(created.key, r"^pk_live_[0-9A-Za-z]{36}$")
        self.assertEqual(created.key_last8, created.key[-8:])
        self.assertRegex(created.created_at, TIMESTAMP)
        self.assertEqual(created.updated_at, created.created_at)
        self.assertIsNone(created.disabled_at)
        self.assertIsNone(created.last_used_at)

        listed = self.listed(created.id)
        self.assertIs(type(listed), WidgetKey)
        metadata = dataclasses.asdict(created)
        del metadata["key"]
        self.assertEqual(dataclasses.asdict(listed), metadata)
        self.assertNotIn(created.key, repr(self.client.widget_keys.list()))

    def test_list_is_newest_first(self) -> None:
        older = self.client.widget_keys.create("older")
        newer = self.client.widget_keys.create("newer")

        ids = [key.id for key in self.client.widget_keys.list()]

        self.assertLess(ids.index(newer.id), ids.index(older.id))

    def test_update_renames_replaces_the_allowlist_unpins_revokes_and_re_enables(self) -> None:
        created = self.client.widget_keys.create("to change", domain_allowlist=["https://a.example"], agent_id="agent_1")

        self.assertIsNone(self.client.widget_keys.update(
            created.id, name="changed", domain_allowlist=["http://localhost:8000"], agent_id=None, disabled=True))
        changed = self.listed(created.id)
        self.assertEqual(changed.name, "changed")
        self.assertEqual(changed.domain_allowlist, ["http://localhost:8000"])
        self.assertIsNone(changed.agent_id)
        self.assertRegex(changed.disabled_at or "", TIMESTAMP)

        self.client.widget_keys.update(created.id, disabled=True)
        self.assertEqual(self.listed(created.id).disabled_at, changed.disabled_at, "a repeat keeps the first time")

        self.client.widget_keys.update(created.id, disabled=False)
        self.assertIsNone(self.listed(created.id).disabled_at)

    def test_update_leaves_out_what_is_not_given(self) -> None:
        created = self.client.widget_keys.create("keep", domain_allowlist=["https://keep.example"], agent_id="agent_k")

        self.client.widget_keys.update(created.id, name="kept the rest")

        key = self.listed(created.id)
        self.assertEqual((key.name, key.agent_id, key.domain_allowlist),
                         ("kept the rest", "agent_k", ["https://keep.example"]))

    def test_delete_removes_a_never_used_key_and_a_second_delete_is_404(self) -> None:
        created = self.client.widget_keys.create("to delete")

        self.assertIsNone(self.client.widget_keys.delete(created.id))

        self.assertNotIn(created.id, [key.id for key in self.client.widget_keys.list()])
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.delete(created.id)
        error = caught.exception
        self.assertEqual(error.status, 404)
        self.assertEqual(error.sentence, "Widget key not found")
        self.assertIsNone(error.detail)
        self.assertEqual((error.method, error.path), ("DELETE", f"/api/v1/widget-keys/{created.id}"))
        self.assertEqual(str(error), f"Widget key not found (HTTP 404 to DELETE /api/v1/widget-keys/{created.id})")

    def test_update_of_an_unknown_id_is_404(self) -> None:
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.update("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e", name="x")

        self.assertEqual((caught.exception.status, caught.exception.sentence), (404, "Widget key not found"))

    def test_an_id_with_url_syntax_is_sent_as_one_path_segment(self) -> None:
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.delete("../widget-keys?x=1#y")

        self.assertEqual(caught.exception.status, 404)
        self.assertEqual(caught.exception.path, "/api/v1/widget-keys/..%2Fwidget-keys%3Fx%3D1%23y")
        self.assertEqual(caught.exception.sentence, "Widget key not found")

    def test_create_with_a_bad_allowlist_entry_is_400_with_a_detail_naming_it(self) -> None:
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.create("bad", domain_allowlist=["https://acme.com", "https://acme.com/path"])

        error = caught.exception
        self.assertEqual(error.status, 400)
        self.assertEqual(error.sentence, "Invalid body or name required")
        self.assertEqual(error.detail, "domain_allowlist[1] has a path")
        self.assertTrue(str(error).startswith("Invalid body or name required: domain_allowlist[1] has a path (HTTP 400"))

    def test_create_with_a_blank_name_is_400(self) -> None:
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.create("   ")

        self.assertEqual((caught.exception.status, caught.exception.detail),
                         (400, "name must be 1-200 characters after trimming"))

    def test_update_with_a_bad_agent_id_is_400_invalid_body(self) -> None:
        created = self.client.widget_keys.create("agent")

        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.update(created.id, agent_id="agent 1")

        error = caught.exception
        self.assertEqual((error.status, error.sentence), (400, "Invalid body"))
        self.assertEqual(error.detail, "agent_id must be 1-128 characters of A-Z a-z 0-9 _ -")

    def test_a_body_over_64_kib_is_413(self) -> None:
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.create("n" * 70_000)

        error = caught.exception
        self.assertEqual(error.status, 413)
        self.assertEqual((error.sentence, error.detail), ("Request body too large", "the limit is 65536 bytes"))

    def test_a_wrong_token_is_401_and_the_error_never_shows_it(self) -> None:
        wrong_token = "wrong-token-but-secret-0123456789"
        stranger = WidgetEdge(self.dev.base_url, wrong_token)

        with self.assertRaises(WidgetEdgeError) as caught:
            stranger.widget_keys.list()

        error = caught.exception
        self.assertEqual((error.status, error.sentence), (401, "Missing or invalid bearer token"))
        shown = (str(error), repr(error), repr(error.args), "".join(traceback.format_exception(type(error), error, error.__traceback__)),
                 repr(stranger), str(stranger), repr(stranger.widget_keys))
        for text in shown:
            self.assertNotIn(wrong_token, text)

    def test_an_account_the_token_may_not_act_for_is_403(self) -> None:
        other = WidgetEdge(self.dev.base_url, self.dev.token, account_id="acct_other")

        with self.assertRaises(WidgetEdgeError) as caught:
            other.widget_keys.list()

        self.assertEqual((caught.exception.status, caught.exception.sentence), (403, "Token not permitted for this account"))

    def test_naming_the_tokens_own_account_works_like_leaving_it_out(self) -> None:
        named = WidgetEdge(self.dev.base_url, self.dev.token, account_id="acct_sdk_py")

        created = named.widget_keys.create("named account")

        self.assertEqual(created.account_id, "acct_sdk_py")
        self.assertIn(created.id, [key.id for key in self.client.widget_keys.list()])

    def test_a_base_url_with_a_trailing_slash_works(self) -> None:
        self.assertIsInstance(WidgetEdge(self.dev.base_url + "/", self.dev.token).widget_keys.list(), list)


class LifecycleTest(AgainstDev, unittest.TestCase):
    """Expiry, mode, rotation, the origin report, the usage and the audit log, against dev."""

    ACCOUNT = "acct_sdk_py_life"

    def test_create_and_update_carry_expires_at_and_mode_and_none_un_expires(self) -> None:
        expires = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        created = self.client.widget_keys.create("expiring", expires_at=expires, mode="report")

        self.assertEqual((created.expires_at, created.mode, created.rotated_from, created.replaced_by),
                         (expires, "report", None, None))
        self.client.widget_keys.update(created.id, expires_at=None, mode="enforce")
        self.assertEqual((self.listed(created.id).expires_at, self.listed(created.id).mode), (None, "enforce"))
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.update(created.id, expires_at="2001-01-01T00:00:00Z")
        self.assertEqual((caught.exception.status, caught.exception.detail), (400, "expires_at is in the past"))

    def test_create_and_update_carry_rate_limits_and_none_returns_both_to_the_defaults(self) -> None:
        plain = self.client.widget_keys.create("default limits")
        self.assertEqual(plain.rate_limits, RateLimits(None, None))

        limited = self.client.widget_keys.create("limited", rate_limits=RateLimits(per_client_per_minute=120))
        self.assertEqual(limited.rate_limits, RateLimits(120, None))
        self.client.widget_keys.update(limited.id, rate_limits=RateLimits(per_key_per_minute=6000))
        self.assertEqual(self.listed(limited.id).rate_limits, RateLimits(None, 6000), "the object replaces both")
        self.client.widget_keys.update(limited.id, name="renamed")
        self.assertEqual(self.listed(limited.id).rate_limits, RateLimits(None, 6000), "left out, left as is")
        self.client.widget_keys.update(limited.id, rate_limits=None)
        self.assertEqual(self.listed(limited.id).rate_limits, RateLimits(None, None))
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.update(limited.id, rate_limits=RateLimits(per_key_per_minute=0))
        self.assertEqual((caught.exception.status, caught.exception.detail),
                         (400, "rate_limits.per_key_per_minute must be an integer 1-1000000 or null"))

    def test_rotate_returns_the_new_key_once_and_the_old_one_names_it(self) -> None:
        old = self.client.widget_keys.create("rotated", domain_allowlist=["https://acme.com"], agent_id="agent_1")

        successor = self.client.widget_keys.rotate(old.id, grace_seconds=3600)

        self.assertIsInstance(successor, CreatedWidgetKey)
        self.assertRegex(successor.key, r"^pk_live_[0-9A-Za-z]{36}$")
        self.assertEqual((successor.rotated_from, successor.domain_allowlist, successor.agent_id),
                         (old.id, old.domain_allowlist, "agent_1"))
        retired = self.listed(old.id)
        self.assertEqual(retired.replaced_by, successor.id)
        grace = datetime.fromisoformat((retired.expires_at or "").replace("Z", "+00:00")) - datetime.now(timezone.utc)
        self.assertTrue(timedelta(minutes=58) < grace <= timedelta(hours=1), grace)

    def test_rotate_of_a_disabled_key_is_409_and_a_bad_grace_400(self) -> None:
        disabled = self.client.widget_keys.create("off")
        self.client.widget_keys.update(disabled.id, disabled=True)

        with self.assertRaises(WidgetEdgeError) as conflict:
            self.client.widget_keys.rotate(disabled.id)
        with self.assertRaises(WidgetEdgeError) as bad_grace:
            self.client.widget_keys.rotate(disabled.id, grace_seconds=-1)

        self.assertEqual((conflict.exception.status, conflict.exception.sentence), (409, "Widget key is disabled"))
        self.assertEqual((bad_grace.exception.status, bad_grace.exception.detail),
                         (400, "grace_seconds must be an integer 0-2592000"))

    def test_origins_and_usage_of_an_unused_key_are_empty_and_out_of_range_is_400(self) -> None:
        created = self.client.widget_keys.create("quiet")

        self.assertEqual(self.client.widget_keys.origins(created.id, hours=168), [])
        self.assertEqual(self.client.widget_keys.usage(created.id, days=1), [])
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.widget_keys.origins(created.id, hours=169)
        self.assertEqual((caught.exception.status, caught.exception.sentence, caught.exception.detail),
                         (400, "Invalid query", "hours must be an integer 1-168"))
        with self.assertRaises(WidgetEdgeError) as unknown:
            self.client.widget_keys.usage("0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e")
        self.assertEqual(unknown.exception.status, 404)

    def test_the_audit_log_pages_newest_first_by_key_with_the_dev_token_as_actor(self) -> None:
        created = self.client.widget_keys.create("audited")
        self.client.widget_keys.update(created.id, name="audited 2")
        self.client.widget_keys.update(created.id, disabled=True)

        events = self.client.audit_events.list(key_id=created.id)
        first = self.client.audit_events.list(key_id=created.id, limit=1)
        rest = self.client.audit_events.list(key_id=created.id, before=first[0].id)

        self.assertEqual([event.action for event in events], ["key.disabled", "key.updated", "key.created"])
        self.assertIsInstance(events[0], AuditEvent)
        self.assertEqual(events[1].changes, {"name": {"from": "audited", "to": "audited 2"}})
        self.assertEqual(events[0].actor.token_name, "dev")
        self.assertEqual(first + rest, events)
        self.assertNotIn(created.key, repr(events))
        with self.assertRaises(WidgetEdgeError) as caught:
            self.client.audit_events.list(before="1-0")
        self.assertEqual((caught.exception.status, str(caught.exception).startswith("Invalid query: before")),
                         (400, True))


if __name__ == "__main__":
    unittest.main()
