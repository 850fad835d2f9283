"""The package itself: installed the README's way it works with the README's examples; it keeps to
Python 3.9 syntax; and every operation of the OpenAPI document has its SDK method (and no method
lacks an operation)."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import unittest
from pathlib import Path
from typing import get_type_hints

import widget_edge
from widget_edge import AuditEvents, WidgetEdge, WidgetKeys

from .servers import REPOSITORY, DevServer

PACKAGE = Path(__file__).resolve().parents[1]
SOURCES = sorted((PACKAGE / "src" / "widget_edge").glob("*.py"))
OPENAPI = REPOSITORY / "admin-api" / "src" / "main" / "resources" / "dev" / "widgetedge" / "admin" / "openapi.json"
README = (PACKAGE / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def is_standard_library(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    if spec is None:
        return False
    if spec.origin in (None, "built-in", "frozen"):
        return True
    standard = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
    return spec.origin.startswith(standard) and "site-packages" not in spec.origin


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class SourceTest(unittest.TestCase):
    def test_every_module_parses_as_python_3_9_and_postpones_annotations(self) -> None:
        for source in SOURCES:
            with self.subTest(source.name):
                text = source.read_text(encoding="utf-8")
                ast.parse(text, filename=str(source), feature_version=(3, 9))
                if source.name != "__init__.py":
                    self.assertIn("from __future__ import annotations", text)

    def test_the_public_signatures_have_resolvable_type_hints(self) -> None:
        for function in (WidgetEdge.__init__, WidgetKeys.list, WidgetKeys.create, WidgetKeys.update, WidgetKeys.delete,
                         WidgetKeys.rotate, WidgetKeys.origins, WidgetKeys.usage, AuditEvents.list):
            with self.subTest(function.__qualname__):
                self.assertIn("return", get_type_hints(function, vars(sys.modules[function.__module__])))

    def test_the_signatures_are_the_documented_ones(self) -> None:
        self.assertEqual(str(inspect.signature(WidgetEdge)),
                         "(base_url: 'str', token: 'str', account_id: 'Optional[str]' = None, "
                         "timeout: 'float' = 10.0, max_retries: 'int' = 2) -> 'None'")
        self.assertEqual(list(inspect.signature(WidgetKeys.create).parameters),
                         ["self", "name", "domain_allowlist", "agent_id", "expires_at", "mode", "rate_limits"])
        update = inspect.signature(WidgetKeys.update).parameters
        self.assertEqual(list(update), ["self", "id", "name", "domain_allowlist", "agent_id", "disabled", "expires_at",
                                        "mode", "rate_limits"])
        self.assertTrue(all(update[name].kind is inspect.Parameter.KEYWORD_ONLY
                            for name in ("name", "domain_allowlist", "agent_id", "disabled", "expires_at", "mode",
                                         "rate_limits")))
        self.assertEqual(list(inspect.signature(WidgetKeys.delete).parameters), ["self", "id"])
        self.assertEqual(list(inspect.signature(WidgetKeys.rotate).parameters), ["self", "id", "grace_seconds"])
        self.assertEqual(list(inspect.signature(WidgetKeys.origins).parameters), ["self", "id", "hours"])
        self.assertEqual(list(inspect.signature(WidgetKeys.usage).parameters), ["self", "id", "days"])
        self.assertEqual(list(inspect.signature(AuditEvents.list).parameters), ["self", "key_id", "limit", "before"])

    def test_the_package_imports_nothing_outside_the_standard_library(self) -> None:
        for source in SOURCES:
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                else:
                    continue
                for name in names:
                    with self.subTest(source=source.name, module=name):
                        self.assertTrue(is_standard_library(name.split(".")[0]), name)

    def test_every_operation_of_the_openapi_document_has_its_method_and_every_method_its_operation(self) -> None:
        document = json.loads(OPENAPI.read_text(encoding="utf-8"))
        client = WidgetEdge("http://127.0.0.1:1", "unused-token")
        documented = []
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "meta" not in operation.get("tags", ["meta"]):
                    sdk_method = operation.get("x-sdk-method")
                    self.assertIsNotNone(sdk_method, f"{method.upper()} {path} has no x-sdk-method")
                    resource, name = sdk_method.split(".")
                    self.assertTrue(callable(getattr(getattr(client, snake_case(resource)), name, None)), sdk_method)
                    documented.append(f"{snake_case(resource)}.{name}")
        methods = [f"{resource}.{name}" for resource, cls in (("widget_keys", WidgetKeys), ("audit_events", AuditEvents))
                   for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")]

        self.assertEqual(sorted(documented), sorted(methods))


class InstalledReadmeTest(unittest.TestCase):
    """``pip install ./sdk/python`` into a fresh virtual environment, then the README's examples there."""

    dev: DevServer
    python: str

    @classmethod
    def setUpClass(cls) -> None:
        cls._work = tempfile.TemporaryDirectory(prefix="widget-edge-readme-")
        # pip builds in the directory it installs from; a copy keeps build/ and *.egg-info out of the tree.
        package = Path(cls._work.name) / "python"
        shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        venv = Path(cls._work.name) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        cls.python = str(venv / "bin" / "python")
        install = subprocess.run([cls.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                  str(package)], capture_output=True, text=True)
        if install.returncode != 0:
            cls._work.cleanup()
            raise RuntimeError(f"pip install {package} failed:\n{install.stdout}\n{install.stderr}")
        cls.dev = DevServer(account="acct_readme_py")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.dev.close()
        cls._work.cleanup()

    def run_python(self, code: str) -> str:
        environment = dict(os.environ, WIDGET_EDGE_URL=self.dev.base_url, WIDGET_EDGE_TOKEN=self.dev.token,
                           WIDGET_EDGE_ACCOUNT=self.dev.account)
        environment.pop("PYTHONPATH", None)
        run = subprocess.run([self.python, "-c", code], capture_output=True, text=True, env=environment,
                             cwd=self._work.name, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        return run.stdout

    def test_the_installed_package_is_the_one_imported_and_is_typed(self) -> None:
        where = self.run_python("import pathlib, widget_edge; p = pathlib.Path(widget_edge.__file__).parent; "
                                "print(p); print((p / 'py.typed').exists())").split()

        self.assertIn("site-packages", where[0])
        self.assertEqual(where[1], "True")

    def test_the_readme_has_examples(self) -> None:
        self.assertGreaterEqual(len(EXAMPLES), 3)

    def test_every_readme_example_runs_against_the_server(self) -> None:
        for index, example in enumerate(EXAMPLES, start=1):
            with self.subTest(example=index):
                output = self.run_python(example)

                self.assertNotEqual(output.strip(), "", "the example prints what it did")
                if "widget_keys.create(\n" in example:
                    self.assertRegex(output, r'data-client-key="pk_live_[0-9A-Za-z]{36}"')
                if "except WidgetEdgeError" in example:
                    self.assertEqual(output.strip(), "400 Invalid body or name required - domain_allowlist[0] has a path")


if __name__ == "__main__":
    unittest.main()
