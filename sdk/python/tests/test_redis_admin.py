"""The calls against ``widget-edge admin`` on a real redis-server, with a token for two accounts (so
X-Account-ID is required), and the 500 a stopped Redis gives."""

from __future__ import annotations

import unittest

from widget_edge import WidgetEdge, WidgetEdgeError

from .servers import AdminServer, RedisServer, create_token


class RedisAdminTest(unittest.TestCase):
    redis: RedisServer
    admin: AdminServer
    token: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.redis = RedisServer()
        try:
            cls.token = create_token(cls.redis.uri, ["acct_a", "acct_b"])
            cls.admin = AdminServer(cls.redis.uri, store_timeout="500ms")
        except BaseException:
            cls.redis.close()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.admin.close()
        cls.redis.close()

    def client(self, account_id: str = "acct_a", max_retries: int = 2) -> WidgetEdge:
        return WidgetEdge(self.admin.base_url, self.token, account_id=account_id, max_retries=max_retries)

    def test_1_list_create_update_and_delete_work_for_the_account_named(self) -> None:
        a, b = self.client("acct_a"), self.client("acct_b")

        created = a.widget_keys.create("on redis", domain_allowlist=["https://acme.com"])
        self.assertEqual(created.account_id, "acct_a")
        a.widget_keys.update(created.id, name="renamed on redis", disabled=True)

        [listed] = [key for key in a.widget_keys.list() if key.id == created.id]
        self.assertEqual(listed.name, "renamed on redis")
        self.assertIsNotNone(listed.disabled_at)
        self.assertEqual(b.widget_keys.list(), [], "another account's keys are not visible")
        with self.assertRaises(WidgetEdgeError) as caught:
            b.widget_keys.delete(created.id)
        self.assertEqual(caught.exception.status, 404)

        a.widget_keys.delete(created.id)
        self.assertEqual(a.widget_keys.list(), [])

    def test_2_without_x_account_id_a_token_for_several_accounts_gets_400(self) -> None:
        with self.assertRaises(WidgetEdgeError) as caught:
            WidgetEdge(self.admin.base_url, self.token).widget_keys.list()

        self.assertEqual((caught.exception.status, caught.exception.sentence), (400, "Missing X-Account-ID header"))

    def test_3_a_stopped_redis_is_500_database_error_and_calls_work_again_once_it_continues(self) -> None:
        client = self.client(max_retries=0)
        created = client.widget_keys.create("before the outage")

        self.redis.pause()
        try:
            calls = {
                "list": lambda: client.widget_keys.list(),
                "create": lambda: client.widget_keys.create("during"),
                "update": lambda: client.widget_keys.update(created.id, name="during"),
                "delete": lambda: client.widget_keys.delete(created.id),
            }
            for name, call in calls.items():
                with self.subTest(name), self.assertRaises(WidgetEdgeError) as caught:
                    call()
                self.assertEqual((caught.exception.status, caught.exception.sentence), (500, "Database error"))
        finally:
            self.redis.resume()

        names = [key.name for key in self.client(max_retries=5).widget_keys.list()]
        self.assertIn("before the outage", names)


if __name__ == "__main__":
    unittest.main()
