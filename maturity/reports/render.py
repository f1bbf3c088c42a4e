"""Rendering reports: Jinja2 templates to HTML, WeasyPrint to tagged PDF.

Everything a report shows may come from users (evidence, notes, names), so the one
Jinja environment escapes every value and fails on any undefined name, and
WeasyPrint gets a URL fetcher that serves only the bundled `reports/` folder and
the resources the caller generated (charts); everything else (other files,
`file://` outside the bundle, the network, `data:` URLs) is refused and recorded.
PDFs are PDF/UA-1 (tagged, with title and language) and written atomically.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from maturity.files.catalog import data_dir
from maturity.files.output import write_with

if TYPE_CHECKING:
    import jinja2

PDF_VARIANT = "pdf/ua-1"
GENERATED_SCHEME = "maturity"
"""Generated resources are addressed as `maturity:<name>`, e.g. `maturity:chart/domains.svg`."""

Resource = Callable[[], tuple[bytes, str]]
"""A generated resource: called when WeasyPrint asks for it; returns (content, MIME type)."""


def reports_dir() -> Path:
    """The bundled templates and styles."""
    return data_dir("reports").resolve()


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: bundled templates, every value escaped, no undefined names."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(reports_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(template: str, context: Mapping[str, Any]) -> str:
    """Render a bundled template with `context`."""
    return environment().get_template(template).render(**context)


def make_fetcher(resources: Mapping[str, Resource] | None = None) -> Any:
    """A WeasyPrint URL fetcher for the bundle and `resources` only (see the module docstring).

    `fetcher.served` and `fetcher.refused` list the URLs it answered and turned away;
    `fetcher.errors` keeps what generated resources raised. WeasyPrint only logs a failed
    fetch and lays the page out without it, so `render_pdf` raises the first of these.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = reports_dir()
    generated = dict(resources or {})

    class BundleFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=["file", GENERATED_SCHEME])
            self.served: list[str] = []
            self.refused: list[str] = []
            self.errors: list[Exception] = []

        def fetch(self, url: str, headers: object = None) -> Any:
            name = url.split(":", 1)[1] if url.startswith(f"{GENERATED_SCHEME}:") else None
            if name is not None and name in generated:
                try:
                    body, mime = generated[name]()
                except Exception as exc:
                    self.errors.append(exc)
                    raise
                self.served.append(url)
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            path = _bundled_path(url, root)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"refused: only bundled report files are served, not {url[:80]}")
            self.served.append(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return BundleFetcher()


def _bundled_path(url: str, root: Path) -> Path | None:
    """The file a `file:` URL names, if it is a regular file inside `root`; None otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    raw = unquote(parts.path)
    if ".." in raw.split("/"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def base_url() -> str:
    """The base URL templates' relative links resolve against: the bundled reports folder."""
    return reports_dir().as_uri() + "/"


def render_pdf(
    html: str,
    path: Path,
    force: bool = False,
    resources: Mapping[str, Resource] | None = None,
    fetcher: Any = None,
) -> int:
    """Render HTML to a tagged PDF at `path`, atomically; return the number of pages.

    An existing file is replaced only with `force`; a failed render leaves no file, and
    neither does a generated resource (a chart) that failed: its error is raised.
    """
    from weasyprint import HTML

    fetcher = fetcher or make_fetcher(resources)
    pages = 0

    def raise_failed_resource() -> None:
        errors = getattr(fetcher, "errors", [])
        if errors:
            raise errors[0]

    def write(tmp: Path) -> None:
        nonlocal pages
        document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(
            pdf_variant=PDF_VARIANT
        )
        raise_failed_resource()
        pages = len(document.pages)
        document.write_pdf(tmp, pdf_variant=PDF_VARIANT)
        raise_failed_resource()

    write_with(path, write, force)
    return pages
