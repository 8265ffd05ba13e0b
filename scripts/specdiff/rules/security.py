"""Security requirements (operation's own, else global), compared by what a client sends.

An alternative (one requirement object: every scheme in it at once) is matched across the two sides
by its scheme names, else by what its schemes make the client send (so renaming a scheme in
`components.securitySchemes` alone is no change). For a matched alternative each scheme's definition
is compared: type and HTTP scheme, where an API key goes (`in`, `name`; header names case-insensitive),
bearer format, OAuth2 flows and their URLs, OpenID Connect URL; and the scopes the requirement asks
for: a scope newly required is breaking (tokens issued for the old list lack it), as is a new
alternative-free requirement (`security-added`) or an alternative that is gone.
"""

from __future__ import annotations

from typing import Any

from ..model import OpPair, Sink
from ..normalize import canon, join

SECURITY_ADDED = "security-added"
SECURITY_REMOVED = "security-removed"
SECURITY_ALTERNATIVE_ADDED = "security-alternative-added"
SECURITY_ALTERNATIVE_REMOVED = "security-alternative-removed"
SECURITY_SCHEME_TYPE_CHANGED = "security-scheme-type-changed"
SECURITY_SCHEME_LOCATION_CHANGED = "security-scheme-location-changed"
SECURITY_SCHEME_BEARER_FORMAT_CHANGED = "security-scheme-bearer-format-changed"
SECURITY_SCHEME_FLOW_ADDED = "security-scheme-flow-added"
SECURITY_SCHEME_FLOW_REMOVED = "security-scheme-flow-removed"
SECURITY_SCHEME_URL_CHANGED = "security-scheme-url-changed"
SECURITY_SCOPE_ADDED = "security-scope-added"
SECURITY_SCOPE_REMOVED = "security-scope-removed"

_URLS = ("authorizationUrl", "tokenUrl", "refreshUrl")
Requirement = dict[str, frozenset[str]]  # scheme name -> the scopes it asks for


def _name(alternative: frozenset[str]) -> str:
    return " + ".join(sorted(alternative)) or "(anonymous)"


def _requirements(doc: dict[str, Any], node: dict[str, Any]) -> list[Requirement]:
    raw = node["security"] if "security" in node else doc.get("security")
    out: list[Requirement] = []
    for req in raw if isinstance(raw, list) else ():
        if isinstance(req, dict):
            out.append(
                {
                    str(k): frozenset(str(s) for s in v) if isinstance(v, list) else frozenset()
                    for k, v in req.items()
                }
            )
    return out


def _scheme(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    found = schemes.get(name) if isinstance(schemes, dict) else None
    if isinstance(found, dict) and isinstance(found.get("$ref"), str):
        target: Any = doc
        for token in found["$ref"].lstrip("#/").split("/"):
            target = (
                target.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            )
        found = target
    return found if isinstance(found, dict) else {}


def _kind(scheme: dict[str, Any]) -> str:
    """The scheme's type, with the HTTP authentication scheme (case-insensitive) for `http`."""
    kind = str(scheme.get("type", "(undefined)"))
    if kind == "http":
        kind += " " + str(scheme.get("scheme", "")).lower()
    return kind


def _location(scheme: dict[str, Any]) -> str:
    where, name = str(scheme.get("in")), str(scheme.get("name"))
    return f"{where} {name.lower() if where == 'header' else name}"


def _flows(scheme: dict[str, Any]) -> dict[str, dict[str, str]]:
    flows = scheme.get("flows")
    if not isinstance(flows, dict):
        return {}
    return {str(k): {u: str(v[u]) for u in _URLS if u in v} for k, v in flows.items() if isinstance(v, dict)}


def _wire(scheme: dict[str, Any]) -> str:
    """What a client sends for the scheme, as one comparable text."""
    parts: dict[str, Any] = {"kind": _kind(scheme)}
    if scheme.get("type") == "apiKey":
        parts["at"] = _location(scheme)
    if "bearerFormat" in scheme:
        parts["bearer"] = str(scheme["bearerFormat"])
    if scheme.get("type") == "oauth2":
        parts["flows"] = _flows(scheme)
    if "openIdConnectUrl" in scheme:
        parts["oidc"] = str(scheme["openIdConnectUrl"])
    return canon(parts)


def _content(doc: dict[str, Any], req: Requirement) -> frozenset[tuple[str, frozenset[str]]]:
    return frozenset((_wire(_scheme(doc, name)), scopes) for name, scopes in req.items())


def check(sink: Sink, op: OpPair) -> None:
    base, rev = op.base_security, op.revision_security
    b_ptr, r_ptr = op.base_security_ptr, op.revision_security_ptr
    if base is None and rev is not None:
        if frozenset() not in rev:
            sink.emit(SECURITY_ADDED, None, r_ptr, schemes=", ".join(_name(a) for a in rev))
        return
    if rev is None:
        if base is not None:
            sink.emit(SECURITY_REMOVED, b_ptr, None)
        return
    assert base is not None
    b_doc, r_doc = op.base_resolver.doc, op.revision_resolver.doc
    b_reqs = _requirements(b_doc, op.base)
    r_reqs = _requirements(r_doc, op.revision)
    unmatched = list(r_reqs)
    for b_req in b_reqs:
        same_names = [r for r in unmatched if r.keys() == b_req.keys()]
        if same_names:
            r_req = same_names[0]
            unmatched.remove(r_req)
            _compare(sink, b_doc, r_doc, b_req, r_req, b_ptr, r_ptr)
            continue
        content = _content(b_doc, b_req)
        same_content = [r for r in unmatched if _content(r_doc, r) == content]
        if same_content:  # the same credentials under other scheme names
            unmatched.remove(same_content[0])
            continue
        sink.emit(SECURITY_ALTERNATIVE_REMOVED, b_ptr, r_ptr, alternative=_name(frozenset(b_req)))
    for r_req in unmatched:
        sink.emit(SECURITY_ALTERNATIVE_ADDED, b_ptr, r_ptr, alternative=_name(frozenset(r_req)))


def _compare(
    sink: Sink,
    b_doc: dict[str, Any],
    r_doc: dict[str, Any],
    b_req: Requirement,
    r_req: Requirement,
    b_ptr: str,
    r_ptr: str,
) -> None:
    """One alternative present on both sides: its schemes' definitions and its scopes."""
    for name in sorted(b_req):
        old, new = _scheme(b_doc, name), _scheme(r_doc, name)
        at_b, at_r = join("/components/securitySchemes", name), join("/components/securitySchemes", name)
        if _kind(old) != _kind(new):
            sink.emit(SECURITY_SCHEME_TYPE_CHANGED, at_b, at_r, scheme=name, old=_kind(old), new=_kind(new))
        else:
            _same_kind(sink, name, old, new, at_b, at_r)
        added, removed = r_req[name] - b_req[name], b_req[name] - r_req[name]
        if added:
            sink.emit(SECURITY_SCOPE_ADDED, b_ptr, r_ptr, scheme=name, scopes=", ".join(sorted(added)))
        if removed:
            sink.emit(SECURITY_SCOPE_REMOVED, b_ptr, r_ptr, scheme=name, scopes=", ".join(sorted(removed)))


def _same_kind(sink: Sink, name: str, old: dict[str, Any], new: dict[str, Any], at_b: str, at_r: str) -> None:
    if old.get("type") == "apiKey" and _location(old) != _location(new):
        sink.emit(
            SECURITY_SCHEME_LOCATION_CHANGED, at_b, at_r, scheme=name, old=_location(old), new=_location(new)
        )
    if old.get("bearerFormat") != new.get("bearerFormat"):
        sink.emit(
            SECURITY_SCHEME_BEARER_FORMAT_CHANGED,
            at_b,
            at_r,
            scheme=name,
            old=old.get("bearerFormat", "none"),
            new=new.get("bearerFormat", "none"),
        )
    if old.get("openIdConnectUrl") != new.get("openIdConnectUrl"):
        sink.emit(
            SECURITY_SCHEME_URL_CHANGED,
            at_b,
            at_r,
            scheme=name,
            field="openIdConnectUrl",
            old=old.get("openIdConnectUrl", "none"),
            new=new.get("openIdConnectUrl", "none"),
        )
    b_flows, r_flows = _flows(old), _flows(new)
    for flow in sorted(b_flows.keys() - r_flows.keys()):
        sink.emit(SECURITY_SCHEME_FLOW_REMOVED, join(at_b, "flows", flow), at_r, scheme=name, flow=flow)
    for flow in sorted(r_flows.keys() - b_flows.keys()):
        sink.emit(SECURITY_SCHEME_FLOW_ADDED, at_b, join(at_r, "flows", flow), scheme=name, flow=flow)
    for flow in sorted(b_flows.keys() & r_flows.keys()):
        for url in _URLS:
            before, after = b_flows[flow].get(url), r_flows[flow].get(url)
            if before != after:
                where_b, where_r = join(at_b, "flows", flow), join(at_r, "flows", flow)
                sink.emit(
                    SECURITY_SCHEME_URL_CHANGED,
                    where_b,
                    where_r,
                    scheme=name,
                    field=f"{flow} {url}",
                    old=before or "none",
                    new=after or "none",
                )
