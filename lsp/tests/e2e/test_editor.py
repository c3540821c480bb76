"""End to end: a real LSP client (pytest-lsp, built on pygls) drives palisade-lsp.

Started by lsp/tests/e2e.rs with PALISADE_LSP set to the server binary and
PALISADE_REPO to the repository root. The workspace is a copy of examples/plant with
a pack policy in policies/, as users have it.
"""

import atexit
import os
import pathlib
import shutil
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = os.environ["PALISADE_LSP"]
REPO = pathlib.Path(os.environ["PALISADE_REPO"])

WORKSPACE = pathlib.Path(tempfile.mkdtemp(prefix="palisade-e2e-"))
atexit.register(shutil.rmtree, WORKSPACE, ignore_errors=True)
shutil.copytree(REPO / "examples" / "plant", WORKSPACE, dirs_exist_ok=True)
(WORKSPACE / "policies").mkdir(exist_ok=True)
POLICY = WORKSPACE / "policies" / "fr2_use_control.pal"
shutil.copy(REPO / "policies" / "iec62443" / "fr2_use_control.pal", POLICY)
MANIFEST = WORKSPACE / "k8s" / "modbus-poller.yaml"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SERVER]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=WORKSPACE.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="plant")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, path: pathlib.Path, language: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=path.read_text()
            )
        )
    )
    return uri


def position_of(path: pathlib.Path, needle: str) -> types.Position:
    text = path.read_text()
    at = text.index(needle)
    line = text.count("\n", 0, at)
    return types.Position(line=line, character=at - (text.rfind("\n", 0, at) + 1))


async def diagnostics_for(client: LanguageClient, uri: str):
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


@pytest.mark.asyncio
async def test_policy_diagnostics_hover_completion(client: LanguageClient):
    uri = open_doc(client, POLICY, "palisade")
    diags = await diagnostics_for(client, uri)
    assert [d for d in diags if d.severity == types.DiagnosticSeverity.Error] == []

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(POLICY, "containers\n  where c.securityContext.privileged"),
        )
    )
    assert hover is not None
    assert "k8s.containers" in hover.contents.value

    items = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(POLICY, "  where c.securityContext.privileged"),
        )
    )
    labels = {i.label for i in (items.items if hasattr(items, "items") else items)}
    assert {"where", "deny", "c", "k8s"} <= labels


@pytest.mark.asyncio
async def test_manifest_findings(client: LanguageClient):
    uri = open_doc(client, MANIFEST, "yaml")
    diags = await diagnostics_for(client, uri)
    codes = {d.code for d in diags}
    assert "privileged_container" in codes
    privileged = next(d for d in diags if d.code == "privileged_container")
    line = MANIFEST.read_text().splitlines()[privileged.range.start.line]
    assert "privileged: true" in line
