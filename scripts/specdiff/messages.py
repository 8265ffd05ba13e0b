"""Messages, keyed by rule id; `{placeholders}` are filled from the finding's parameters."""

from __future__ import annotations

_TOLERATED = "a closed enum fails on the new value (ftjobs's generated client tolerates it: UNKNOWN member)"

MESSAGES: dict[str, str] = {
    "path-added": "path {path} added",
    "path-removed": "path {path} removed",
    "operation-added": "operation {label} added",
    "operation-removed": "operation {label} removed",
    "operation-removed-before-sunset": "operation {label} removed before its sunset date {date}",
    "operation-removed-after-deprecation": "deprecated operation {label} removed (it had no sunset date)",
    "operation-removed-after-sunset": "operation {label} removed after its sunset date {date}",
    "operation-removed-unstable": "operation {label} removed (stability level {stability})",
    "webhook-added": "webhook {name} ({method}) added: subscribers may now be called",
    "webhook-removed": "webhook {name} ({method}) removed: subscribers are no longer called",
    "operation-id-changed": "operationId changed from {old} to {new}: generated function names change",
    "operation-deprecated": "operation is now deprecated",
    "operation-docs-changed": "documentation changed ({fields})",
    "operation-reactivated": "operation is no longer deprecated",
    "operation-sunset-set": "operation to be removed on or after {date} (x-sunset)",
    "operation-sunset-brought-forward": "sunset brought forward from {old} to {new}: callers have less time",
    "operation-sunset-postponed": "sunset postponed from {old} to {new}",
    "operation-sunset-removed": "sunset date {date} withdrawn",
    "operation-stability-decreased": "stability decreased from {old} to {new}",
    "operation-stability-increased": "stability increased from {old} to {new}",
    "operation-deprecation-header-added": "responses now declare a {header} header: retirement announced",
    "operation-deprecation-header-removed": "responses no longer declare a {header} header",
    "request-parameter-deprecated": "parameter {name} is now deprecated",
    "security-added": "operation now requires authentication ({schemes})",
    "security-removed": "operation no longer requires authentication",
    "security-alternative-added": "new accepted security alternative: {alternative}",
    "security-alternative-removed": "security alternative no longer accepted: {alternative}",
    "security-scheme-type-changed": (
        "security scheme {scheme} changed from {old} to {new}: clients send the old credentials"
    ),
    "security-scheme-location-changed": (
        "security scheme {scheme} moved the key from {old} to {new}: clients send it in the old place"
    ),
    "security-scheme-bearer-format-changed": (
        "security scheme {scheme} bearer format changed from {old} to {new}"
    ),
    "security-scheme-flow-added": "security scheme {scheme} offers the OAuth2 flow {flow}",
    "security-scheme-flow-removed": "security scheme {scheme} no longer offers the OAuth2 flow {flow}",
    "security-scheme-url-changed": "security scheme {scheme} {field} changed from {old} to {new}",
    "security-scope-added": (
        "security scheme {scheme} now requires scope(s) {scopes}: tokens without them are refused"
    ),
    "security-scope-removed": "security scheme {scheme} no longer requires scope(s) {scopes}",
    "request-parameter-added-required": "new required parameter {name}",
    "request-parameter-added-optional": "new optional parameter {name}",
    "request-parameter-removed": "parameter {name} removed (callers that send it may be rejected)",
    "request-parameter-removed-after-deprecation": "deprecated parameter {name} removed",
    "request-parameter-removed-before-sunset": (
        "deprecated parameter {name} removed before its sunset date {date}"
    ),
    "request-parameter-removed-after-sunset": (
        "deprecated parameter {name} removed after its sunset date {date}"
    ),
    "request-parameter-became-required": "parameter {name} became required",
    "request-parameter-became-optional": "parameter {name} became optional",
    "request-parameter-style-changed": "parameter {name} serialization style changed from {old} to {new}",
    "request-parameter-explode-changed": "parameter {name} explode changed from {old} to {new}",
    "request-parameter-became-allow-reserved": "parameter {name} now accepts reserved characters as they are",
    "request-parameter-became-not-allow-reserved": "parameter {name}: reserved characters must be encoded",
    "request-body-added-required": "a required request body was added",
    "request-body-added-optional": "an optional request body was added",
    "request-body-removed": "request body removed",
    "request-body-became-required": "request body became required",
    "request-body-became-optional": "request body became optional",
    "request-media-type-added": "request media type {media} added",
    "request-media-type-removed": "request media type {media} removed",
    "response-success-status-added": "success status {status} added",
    "response-success-status-removed": "success status {status} removed",
    "response-error-status-added": "error status {status} documented",
    "response-error-status-removed": "error status {status} no longer documented",
    "response-default-removed": (
        "default response no longer documented: error bodies are no longer bounded by its schema"
    ),
    "response-media-type-added": "response {status} media type {media} added",
    "response-media-type-removed": "response {status} media type {media} removed",
    "response-header-added": "response {status} header {name} added",
    "response-required-header-removed": "required response {status} header {name} removed",
    "response-optional-header-removed": "optional response {status} header {name} removed",
    "response-header-became-optional": "response {status} header {name} may now be absent",
    "response-header-became-required": "response {status} header {name} is now always sent",
    "response-link-added": "response {status} link {name} added",
    "response-link-removed": "response {status} link {name} removed",
    "response-link-changed": "response {status} link {name} now leads elsewhere",
    "callback-added": "callback {name} added: the server may now call the client",
    "callback-removed": "callback {name} removed: the client is no longer called",
    "callback-operation-added": "callback {name} adds the call {call}",
    "callback-operation-removed": "callback {name} no longer makes the call {call}",
    "response-became-nullable": "response value may now be null",
    "response-became-non-nullable": "response value is no longer nullable",
    "request-became-nullable": "request value now accepts null",
    "request-became-non-nullable": "request value no longer accepts null",
    "request-type-changed": "request type changed from {old} to {new}",
    "request-type-widened": "request type widened from {old} to {new}",
    "response-type-changed": "response type changed from {old} to {new}",
    "response-type-narrowed": "response type narrowed from {old} to {new}",
    "response-enum-value-added": "response enum gained {values}: " + _TOLERATED,
    "response-enum-value-removed": "response enum lost {values}",
    "request-enum-value-added": "request enum accepts {values}",
    "request-enum-value-removed": "request enum no longer accepts {values}",
    "request-enum-introduced": "request value restricted to {values}",
    "request-enum-lifted": "request value no longer restricted to an enum",
    "response-enum-introduced": "response value restricted to {values}",
    "response-enum-lifted": "response value no longer restricted to an enum: clients may see any value",
    "request-bound-tightened": "request {bound} tightened from {old} to {new}",
    "request-bound-relaxed": "request {bound} relaxed from {old} to {new}",
    "response-bound-relaxed": "response {bound} relaxed from {old} to {new}",
    "response-bound-tightened": "response {bound} tightened from {old} to {new}",
    "request-pattern-added": "request value must now match {new}",
    "request-pattern-narrowed": (
        "request pattern narrowed from {old} to {new}: values it accepted are now rejected"
    ),
    "request-pattern-widened": "request pattern widened from {old} to {new}",
    "request-pattern-changed": (
        "request pattern changed from {old} to {new}: each accepts strings the other rejects"
    ),
    "request-pattern-removed": "request pattern {old} lifted",
    "response-pattern-added": "response value now matches {new}",
    "response-pattern-widened": (
        "response pattern widened from {old} to {new}: clients may see values it excluded"
    ),
    "response-pattern-narrowed": "response pattern narrowed from {old} to {new}",
    "response-pattern-changed": (
        "response pattern changed from {old} to {new}: each accepts strings the other rejects"
    ),
    "schema-pattern-undecided": "pattern changed from {old} to {new}, not decided: {reason}",
    "response-pattern-removed": "response pattern {old} lifted: clients may see any string",
    "schema-format-changed": "format changed from {old} to {new}",
    "schema-format-added": "format {new} stated (an annotation: values unchanged)",
    "schema-format-removed": "format {old} no longer stated",
    "response-integer-format-widened": (
        "response integer format widened from {old} to {new}: narrower client integers overflow"
    ),
    "request-integer-format-narrowed": (
        "request integer format narrowed from {old} to {new}: larger values no longer fit"
    ),
    "request-default-changed": "default changed from {old} to {new}: omitting the value now means another",
    "request-property-added-required": "new required request property {name}",
    "request-property-added-optional": "new optional request property {name}",
    "request-property-removed": "request property {name} removed (callers that send it may be rejected)",
    "request-property-became-required": "request property {name} became required",
    "request-property-became-optional": "request property {name} became optional",
    "response-property-added": "response property {name} added",
    "response-property-removed": "response property {name} removed",
    "response-property-became-optional": "response property {name} may now be absent",
    "response-property-became-required": "response property {name} is now always present",
    "response-variant-added": "response gained alternative {variant}",
    "response-variant-removed": "response lost alternative {variant}",
    "request-variant-added": "request accepts new alternative {variant}",
    "request-variant-removed": "request no longer accepts alternative {variant}",
    "request-property-became-read-only": "request property {name} became read-only: a sent value is dropped",
    "request-property-became-writable": "request property {name} is no longer read-only: callers may send it",
    "request-required-property-became-writable": (
        "read-only required request property {name} became writable: callers must send it"
    ),
    "response-property-became-write-only": "response property {name} became write-only: no longer returned",
    "response-property-no-longer-write-only": "response property {name} is no longer write-only",
    "request-property-deprecated": "request property {name} is now deprecated",
    "response-property-deprecated": "response property {name} is now deprecated",
    "request-extensible-enum-value-removed": "request extensible enum no longer lists {values}",
    "request-extensible-enum-value-added": "request extensible enum lists {values}",
    "response-extensible-enum-value-added": "response extensible enum lists {values} (open by contract)",
    "response-extensible-enum-value-removed": "response extensible enum no longer lists {values}",
    "request-additional-properties-tightened": "request additionalProperties tightened from {old} to {new}",
    "request-additional-properties-loosened": "request additionalProperties loosened from {old} to {new}",
    "response-additional-properties-loosened": (
        "response additionalProperties loosened from {old} to {new}: closed models fail"
    ),
    "response-additional-properties-tightened": "response additionalProperties tightened from {old} to {new}",
    "request-items-became-unique": "request array items must now be unique",
    "request-items-no-longer-unique": "request array items no longer need to be unique",
    "response-items-no-longer-unique": "response array items may now repeat",
    "response-items-became-unique": "response array items are now unique",
    "discriminator-added": "discriminator {name} added",
    "discriminator-removed": "discriminator {name} removed: alternatives are no longer named by a property",
    "discriminator-property-changed": "discriminator property changed from {old} to {new}",
    "discriminator-value-renamed": (
        "discriminator value {old} of {target} is now {new}: payloads tagged {old} no longer dispatch"
    ),
    "request-discriminator-value-removed": (
        "request discriminator value {value} (mapped to {target}) no longer accepted"
    ),
    "response-discriminator-value-removed": (
        "response discriminator value {value} (mapped to {target}) no longer sent"
    ),
    "request-discriminator-value-added": "request discriminator value {value} accepted (maps to {target})",
    "response-discriminator-value-added": (
        "response discriminator value {value} (maps to {target}): clients cannot dispatch it"
    ),
    "discriminator-mapping-changed": "discriminator value {value} now maps to {new} instead of {old}",
    "request-not-added": "request values now must not match a new `not` schema",
    "request-not-removed": "request `not` restriction lifted",
    "response-not-added": "response values now exclude a `not` schema",
    "response-not-removed": "response `not` restriction lifted: clients may see values it excluded",
    "schema-not-changed": "the `not` schema changed: another set of values is excluded",
    "request-condition-added": "request values now face an if/then/else condition",
    "request-condition-removed": "request if/then/else condition lifted",
    "response-condition-added": "response values now follow an if/then/else condition",
    "response-condition-removed": "response if/then/else condition lifted",
    "schema-condition-changed": "the if/then/else condition changed: other values take each branch",
    "request-pattern-property-added": "request properties matching {pattern} are now constrained",
    "request-pattern-property-removed": "request properties matching {pattern} are no longer constrained",
    "response-pattern-property-added": "response properties matching {pattern} are now constrained",
    "response-pattern-property-removed": "response properties matching {pattern} are no longer constrained",
    "request-property-removed-before-sunset": (
        "deprecated request property {name} removed before its sunset date {date}"
    ),
    "request-property-removed-after-sunset": (
        "deprecated request property {name} removed after its sunset date {date}"
    ),
    "response-property-removed-before-sunset": (
        "deprecated response property {name} removed before its sunset date {date}"
    ),
    "response-property-removed-after-sunset": (
        "deprecated response property {name} removed after its sunset date {date}"
    ),
    "request-dependent-required-added": "request objects with {trigger} must now also hold {names}",
    "request-dependent-required-removed": "request objects with {trigger} no longer need {names}",
    "response-dependent-required-added": "response objects with {trigger} now always hold {names}",
    "response-dependent-required-removed": "response objects with {trigger} may now lack {names}",
    "request-dependent-schema-added": "request objects with {trigger} must now satisfy a dependent schema",
    "request-dependent-schema-removed": "request dependent schema for {trigger} lifted",
    "response-dependent-schema-added": "response objects with {trigger} now satisfy a dependent schema",
    "response-dependent-schema-removed": (
        "response dependent schema for {trigger} lifted: clients lose what it guaranteed"
    ),
    "request-prefix-item-added": "request tuple position {position} is now constrained (prefixItems)",
    "request-prefix-item-removed": "request tuple position {position} is no longer constrained (prefixItems)",
    "response-prefix-item-added": "response tuple position {position} is now described (prefixItems)",
    "response-prefix-item-removed": (
        "response tuple position {position} is no longer described: clients may see any value"
    ),
    "request-unevaluated-tightened": "request {keyword} tightened from {old} to {new}",
    "request-unevaluated-loosened": "request {keyword} loosened from {old} to {new}",
    "response-unevaluated-loosened": "response {keyword} loosened from {old} to {new}: closed models fail",
    "response-unevaluated-tightened": "response {keyword} tightened from {old} to {new}",
}


def render(rule_id: str, params: dict[str, str]) -> str:
    return MESSAGES[rule_id].format(**params)
