"""Snapshots on a Chroma server: collections per snapshot, the manifest in their metadata, an atomic pointer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kbchat.errors import StoreUnreachableError
from kbchat.index.dense_store import COLLECTION, collection_names
from kbchat.index.snapshot import Manifest

POINTER = f"{COLLECTION}-current"  # an empty collection whose metadata names the served snapshot
MANIFEST_KEY = "manifest"


def connect(url: str) -> Any:
    """A client of the Chroma server at url (http://host:port); StoreUnreachableError when it does not answer."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise StoreUnreachableError(f"KBCHAT_CHROMA_URL={url!r} n'est pas une adresse http://hôte:port.")
    try:
        client = chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        client.heartbeat()
    except Exception as exc:  # chromadb raises ValueError, httpx errors or its own, depending on the failure
        raise StoreUnreachableError(
            f"Le serveur Chroma {url} ne répond pas : démarrez-le (`make chroma`) ou corrigez KBCHAT_CHROMA_URL."
        ) from exc
    return client


def served_version(client: Any) -> str:
    """The snapshot the pointer names, or "" before the first publication."""
    from chromadb.errors import NotFoundError

    try:
        pointer = client.get_collection(POINTER, embedding_function=None)
    except NotFoundError:
        return ""
    return str((pointer.metadata or {}).get("version", ""))


def read_manifest(client: Any, version: str) -> Manifest | None:
    """A snapshot's manifest, or None when the snapshot is absent or was not completed."""
    from chromadb.errors import NotFoundError

    try:
        metadata = client.get_collection(collection_names(version)[0], embedding_function=None).metadata or {}
    except NotFoundError:
        return None
    text = metadata.get(MANIFEST_KEY)
    return Manifest.from_json(str(text)) if text else None


def snapshots(client: Any) -> dict[str, bool]:
    """Every snapshot on the server, with whether it is complete (has a manifest)."""
    found: dict[str, bool] = {}
    prefix = f"{COLLECTION}-"
    for collection in client.list_collections():
        name = collection.name
        if name == POINTER or not name.startswith(prefix) or name.endswith("-sentences"):
            continue
        found[name.removeprefix(prefix)] = MANIFEST_KEY in (collection.metadata or {})
    return found


def drop(client: Any, version: str) -> None:
    """Delete a snapshot's collections."""
    existing = {c.name for c in client.list_collections()}
    for name in collection_names(version):
        if name in existing:
            client.delete_collection(name)


def publish(client: Any, version: str) -> None:
    """Point replicas at version in one metadata write, then drop all snapshots but it and its predecessor."""
    pointer = client.get_or_create_collection(POINTER, embedding_function=None)
    previous = str((pointer.metadata or {}).get("version", ""))
    pointer.modify(metadata={"version": version})
    for other in snapshots(client):
        if other not in {version, previous}:
            drop(client, other)


def clean_leftovers(client: Any) -> list[str]:
    """Drop the snapshots killed runs left; keep the served one and the newest other complete one."""
    served = served_version(client)
    found = snapshots(client)
    complete = sorted(name for name, done in found.items() if done and name != served)
    keep = {served, *complete[-1:]}
    removed = sorted(name for name in found if name not in keep)
    for name in removed:
        drop(client, name)
    return removed
