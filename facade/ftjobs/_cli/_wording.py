"""Configuration errors in the command line's words.

The library's ConfigurationError messages speak Python (``pass api_key=... or set OPENAI_API_KEY``,
``pass base_url=...``): right for code, wrong for a shell, where keys come from the environment only
and the URL from ``--base-url``. :func:`cli_wording` rewrites such a message for the ``ftjobs``
command, for the provider the command used: each keyword argument becomes the flag or environment
variable that sets it there. The library's messages stay as they are.
"""

from __future__ import annotations

import re

#: The environment variable holding each provider's key, and the one its base URL defaults from.
KEY_ENV = {
    "openai": "OPENAI_API_KEY",
    "compatible": "OPENAI_API_KEY",
    "azure": "AZURE_OPENAI_API_KEY",
    "portkey": "PORTKEY_API_KEY",
}
URL_ENV = {
    "openai": "OPENAI_BASE_URL",
    "compatible": "OPENAI_BASE_URL",
    "azure": "AZURE_OPENAI_ENDPOINT",
    "portkey": "PORTKEY_BASE_URL",
}
#: The flag or variable that sets each client keyword argument on the command line ({key} and
#: {url} stand for the provider's variables).
_KWARG = {
    "api_key": "{key}",
    "base_url": "--base-url",
    "portkey_provider": "--portkey-provider",
    "provider_api_key": "OPENAI_API_KEY",
    "config": "--portkey-config",
    "virtual_key": "PORTKEY_VIRTUAL_KEY",
    "organization": "OPENAI_ORG_ID",
    "project": "OPENAI_PROJECT_ID",
    "api_version": "OPENAI_API_VERSION",
    "timeout": "--request-timeout",
    "max_retries": "--max-retries",
}
#: Where each header the client sends takes its value from, on the command line.
_HEADER = {
    "authorization": "OPENAI_API_KEY",  # OpenAI's key, or the provider's behind Portkey
    "api-key": "AZURE_OPENAI_API_KEY",
    "x-portkey-api-key": "PORTKEY_API_KEY",
    "x-portkey-virtual-key": "PORTKEY_VIRTUAL_KEY",
    "x-portkey-provider": "--portkey-provider",
    "x-portkey-config": "--portkey-config",
    "openai-organization": "OPENAI_ORG_ID",
    "openai-project": "OPENAI_PROJECT_ID",
}
#: Whole phrases first (order matters), then single keyword arguments.
_PHRASES: tuple[tuple[str, str], ...] = (
    # no key: the CLI has no key option, only the variable
    (r"pass api_key=\.\.\. or set the (\w+) environment variable", r"set the \1 environment variable"),
    (r"pass base_url=\.\.\. or set", "pass --base-url URL or set"),
    (r"pass api_key=\.\.\. instead", "set {key} instead"),
    # Portkey's routing modes as the CLI offers them
    (r"virtual_key=\.\.\. \(or PORTKEY_VIRTUAL_KEY\)", "PORTKEY_VIRTUAL_KEY"),
    (
        r"portkey_provider=\.\.\. with provider_api_key=\.\.\.(?: \(optionally custom_host=\.\.\.\))?",
        "--portkey-provider SLUG (with the provider's key in OPENAI_API_KEY)",
    ),
    (r"pass provider_api_key=\.\.\.", "set OPENAI_API_KEY"),
    (r"\bconfig=\.\.\.", "--portkey-config ID"),
)
#: A keyword argument, bare or as ``name=...`` (not inside a flag such as --portkey-config).
_KWARG_RE = re.compile(r"(?<![\w-])(" + "|".join(_KWARG) + r")(=\.\.\.|(?![\w-]))")
_GOT_RE = re.compile(r"got \[([^\]]*)\]")
_HEADER_RE = re.compile(r"^([A-Za-z-]+): (a credential|'[^']*') contains", re.IGNORECASE)


def cli_wording(message: str, provider: str) -> str:
    """message (a ConfigurationError's) with flags and environment variables for keyword arguments."""
    names = {"key": KEY_ENV.get(provider, "OPENAI_API_KEY"), "url": URL_ENV.get(provider, "OPENAI_BASE_URL")}
    if message.startswith("no API key for provider"):
        message += " (ftjobs --help lists each provider's variables)"
    header = _HEADER_RE.match(message)
    if header:
        source = _HEADER.get(header.group(1).lower())
        if source:
            message = f"{source.format(**names)}: the value{message[header.end(2) :]}"
    if message.startswith("base URL"):
        message = f"the base URL (--base-url or {names['url']})" + message[len("base URL") :]
    for pattern, replacement in _PHRASES:
        message = re.sub(pattern, replacement.format(**names), message)

    def flag(match: re.Match[str]) -> str:
        name, assigned = match.group(1), match.group(2)
        if not assigned and "_" not in name:  # a plain word ("config", "timeout") in prose stays
            return match.group(0)
        return _KWARG[name].format(**names)

    def got(match: re.Match[str]) -> str:
        given = (name.strip(" '") for name in match.group(1).split(","))
        return "got " + ", ".join(_KWARG.get(name, name).format(**names) for name in given)

    message = _GOT_RE.sub(got, message)
    return _KWARG_RE.sub(flag, message)
