"""The rule table: every rule id with its level, direction, unit and handler (one family per module)."""

from __future__ import annotations

from collections.abc import Callable

from .model import Rule
from .rules import (
    access,
    additional_properties,
    arrays,
    bounds,
    callbacks,
    dependencies,
    deprecation,
    details,
    discriminator,
    endpoints,
    enums,
    extensible_enums,
    headers,
    keywords,
    links,
    nullability,
    operations,
    parameters,
    patterns,
    prefix_items,
    properties,
    request_body,
    responses,
    security,
    serialization,
    subschemas,
    sunset,
    types,
    unevaluated,
    variants,
    webhooks,
)

EXT = extensible_enums
SER = serialization
AP = additional_properties
SEC = security
DEP = dependencies
PRE = prefix_items
UNE = unevaluated
PAT = patterns
DIS = discriminator

RULES: tuple[Rule, ...] = (
    # spec unit: paths and operations
    Rule(endpoints.PATH_ADDED, "info", "any", "spec", endpoints.check),
    Rule(endpoints.PATH_REMOVED, "breaking", "any", "spec", endpoints.check),
    Rule(endpoints.OPERATION_ADDED, "info", "any", "spec", endpoints.check),
    Rule(endpoints.OPERATION_REMOVED, "breaking", "any", "spec", endpoints.check),
    Rule(deprecation.OPERATION_REMOVED_BEFORE_SUNSET, "breaking", "any", "spec", deprecation.check_removed),
    Rule(
        deprecation.OPERATION_REMOVED_AFTER_DEPRECATION, "warning", "any", "spec", deprecation.check_removed
    ),
    Rule(deprecation.OPERATION_REMOVED_AFTER_SUNSET, "info", "any", "spec", deprecation.check_removed),
    Rule(deprecation.OPERATION_REMOVED_UNSTABLE, "info", "any", "spec", deprecation.check_removed),
    Rule(webhooks.WEBHOOK_ADDED, "info", "any", "spec", webhooks.check),
    Rule(webhooks.WEBHOOK_REMOVED, "warning", "any", "spec", webhooks.check),
    # operation unit
    Rule(operations.OPERATION_ID_CHANGED, "warning", "any", "operation", operations.check),
    Rule(operations.OPERATION_DEPRECATED, "warning", "any", "operation", operations.check),
    Rule(operations.OPERATION_DOCS_CHANGED, "info", "any", "operation", operations.check),
    Rule(deprecation.OPERATION_REACTIVATED, "info", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_SUNSET_SET, "info", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_SUNSET_BROUGHT_FORWARD, "warning", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_SUNSET_POSTPONED, "info", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_SUNSET_REMOVED, "info", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_STABILITY_DECREASED, "breaking", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_STABILITY_INCREASED, "info", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_DEPRECATION_HEADER_ADDED, "warning", "any", "operation", deprecation.check),
    Rule(deprecation.OPERATION_DEPRECATION_HEADER_REMOVED, "info", "any", "operation", deprecation.check),
    Rule(deprecation.REQUEST_PARAMETER_DEPRECATED, "info", "request", "operation", deprecation.check),
    Rule(security.SECURITY_ADDED, "breaking", "request", "operation", security.check),
    Rule(security.SECURITY_REMOVED, "info", "request", "operation", security.check),
    Rule(security.SECURITY_ALTERNATIVE_ADDED, "info", "request", "operation", security.check),
    Rule(security.SECURITY_ALTERNATIVE_REMOVED, "breaking", "request", "operation", security.check),
    Rule(SEC.SECURITY_SCHEME_TYPE_CHANGED, "breaking", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCHEME_LOCATION_CHANGED, "breaking", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCHEME_BEARER_FORMAT_CHANGED, "warning", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCHEME_FLOW_ADDED, "info", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCHEME_FLOW_REMOVED, "breaking", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCHEME_URL_CHANGED, "warning", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCOPE_ADDED, "breaking", "request", "operation", SEC.check),
    Rule(SEC.SECURITY_SCOPE_REMOVED, "info", "request", "operation", SEC.check),
    Rule(parameters.PARAMETER_ADDED_REQUIRED, "breaking", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_ADDED_OPTIONAL, "info", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_REMOVED, "warning", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_REMOVED_AFTER_DEPRECATION, "info", "request", "operation", parameters.check),
    Rule(
        sunset.REQUEST_PARAMETER_REMOVED_BEFORE_SUNSET,
        "breaking",
        "request",
        "operation",
        sunset.check_parameters,
    ),
    Rule(
        sunset.REQUEST_PARAMETER_REMOVED_AFTER_SUNSET, "info", "request", "operation", sunset.check_parameters
    ),
    Rule(parameters.PARAMETER_BECAME_REQUIRED, "breaking", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_BECAME_OPTIONAL, "info", "request", "operation", parameters.check),
    Rule(
        serialization.REQUEST_PARAMETER_STYLE_CHANGED, "breaking", "request", "operation", serialization.check
    ),
    Rule(
        serialization.REQUEST_PARAMETER_EXPLODE_CHANGED,
        "breaking",
        "request",
        "operation",
        serialization.check,
    ),
    Rule(SER.REQUEST_PARAMETER_BECAME_ALLOW_RESERVED, "info", "request", "operation", SER.check),
    Rule(SER.REQUEST_PARAMETER_BECAME_NOT_ALLOW_RESERVED, "warning", "request", "operation", SER.check),
    Rule(request_body.BODY_ADDED_REQUIRED, "breaking", "request", "operation", request_body.check),
    Rule(request_body.BODY_ADDED_OPTIONAL, "info", "request", "operation", request_body.check),
    Rule(request_body.BODY_REMOVED, "warning", "request", "operation", request_body.check),
    Rule(request_body.BODY_BECAME_REQUIRED, "breaking", "request", "operation", request_body.check),
    Rule(request_body.BODY_BECAME_OPTIONAL, "info", "request", "operation", request_body.check),
    Rule(request_body.MEDIA_TYPE_ADDED, "info", "request", "operation", request_body.check),
    Rule(request_body.MEDIA_TYPE_REMOVED, "breaking", "request", "operation", request_body.check),
    Rule(responses.SUCCESS_STATUS_ADDED, "info", "response", "operation", responses.check),
    Rule(responses.SUCCESS_STATUS_REMOVED, "breaking", "response", "operation", responses.check),
    Rule(responses.ERROR_STATUS_ADDED, "info", "response", "operation", responses.check),
    Rule(responses.ERROR_STATUS_REMOVED, "info", "response", "operation", responses.check),
    Rule(responses.DEFAULT_REMOVED, "breaking", "response", "operation", responses.check),
    Rule(responses.MEDIA_TYPE_ADDED, "info", "response", "operation", responses.check),
    Rule(responses.MEDIA_TYPE_REMOVED, "breaking", "response", "operation", responses.check),
    Rule(headers.RESPONSE_HEADER_ADDED, "info", "response", "operation", headers.check),
    Rule(headers.RESPONSE_REQUIRED_HEADER_REMOVED, "breaking", "response", "operation", headers.check),
    Rule(headers.RESPONSE_OPTIONAL_HEADER_REMOVED, "warning", "response", "operation", headers.check),
    Rule(headers.RESPONSE_HEADER_BECAME_OPTIONAL, "breaking", "response", "operation", headers.check),
    Rule(headers.RESPONSE_HEADER_BECAME_REQUIRED, "info", "response", "operation", headers.check),
    Rule(links.RESPONSE_LINK_ADDED, "info", "response", "operation", links.check),
    Rule(links.RESPONSE_LINK_REMOVED, "warning", "response", "operation", links.check),
    Rule(links.RESPONSE_LINK_CHANGED, "warning", "response", "operation", links.check),
    Rule(callbacks.CALLBACK_ADDED, "info", "any", "operation", callbacks.check),
    Rule(callbacks.CALLBACK_REMOVED, "warning", "any", "operation", callbacks.check),
    Rule(callbacks.CALLBACK_OPERATION_ADDED, "info", "any", "operation", callbacks.check),
    Rule(callbacks.CALLBACK_OPERATION_REMOVED, "warning", "any", "operation", callbacks.check),
    # schema unit
    Rule(nullability.RESPONSE_BECAME_NULLABLE, "breaking", "response", "schema", nullability.check),
    Rule(nullability.RESPONSE_BECAME_NON_NULLABLE, "info", "response", "schema", nullability.check),
    Rule(nullability.REQUEST_BECAME_NULLABLE, "info", "request", "schema", nullability.check),
    Rule(nullability.REQUEST_BECAME_NON_NULLABLE, "breaking", "request", "schema", nullability.check),
    Rule(types.REQUEST_TYPE_CHANGED, "breaking", "request", "schema", types.check),
    Rule(types.REQUEST_TYPE_WIDENED, "info", "request", "schema", types.check),
    Rule(types.RESPONSE_TYPE_CHANGED, "breaking", "response", "schema", types.check),
    Rule(types.RESPONSE_TYPE_NARROWED, "info", "response", "schema", types.check),
    Rule(enums.RESPONSE_ENUM_VALUE_ADDED, "breaking", "response", "schema", enums.check),
    Rule(enums.RESPONSE_ENUM_VALUE_REMOVED, "info", "response", "schema", enums.check),
    Rule(enums.REQUEST_ENUM_VALUE_ADDED, "info", "request", "schema", enums.check),
    Rule(enums.REQUEST_ENUM_VALUE_REMOVED, "breaking", "request", "schema", enums.check),
    Rule(enums.REQUEST_ENUM_INTRODUCED, "breaking", "request", "schema", enums.check),
    Rule(enums.REQUEST_ENUM_LIFTED, "info", "request", "schema", enums.check),
    Rule(enums.RESPONSE_ENUM_INTRODUCED, "info", "response", "schema", enums.check),
    Rule(enums.RESPONSE_ENUM_LIFTED, "warning", "response", "schema", enums.check),
    Rule(bounds.REQUEST_BOUND_TIGHTENED, "breaking", "request", "schema", bounds.check),
    Rule(bounds.REQUEST_BOUND_RELAXED, "info", "request", "schema", bounds.check),
    Rule(bounds.RESPONSE_BOUND_RELAXED, "warning", "response", "schema", bounds.check),
    Rule(bounds.RESPONSE_BOUND_TIGHTENED, "info", "response", "schema", bounds.check),
    Rule(PAT.REQUEST_PATTERN_ADDED, "breaking", "request", "schema", PAT.check),
    Rule(PAT.REQUEST_PATTERN_NARROWED, "breaking", "request", "schema", PAT.check),
    Rule(PAT.REQUEST_PATTERN_WIDENED, "info", "request", "schema", PAT.check),
    Rule(PAT.REQUEST_PATTERN_CHANGED, "warning", "request", "schema", PAT.check),
    Rule(PAT.REQUEST_PATTERN_REMOVED, "info", "request", "schema", PAT.check),
    Rule(PAT.RESPONSE_PATTERN_ADDED, "info", "response", "schema", PAT.check),
    Rule(PAT.RESPONSE_PATTERN_WIDENED, "breaking", "response", "schema", PAT.check),
    Rule(PAT.RESPONSE_PATTERN_NARROWED, "info", "response", "schema", PAT.check),
    Rule(PAT.RESPONSE_PATTERN_CHANGED, "warning", "response", "schema", PAT.check),
    Rule(PAT.RESPONSE_PATTERN_REMOVED, "breaking", "response", "schema", PAT.check),
    Rule(PAT.SCHEMA_PATTERN_UNDECIDED, "warning", "any", "schema", PAT.check),
    Rule(details.SCHEMA_FORMAT_CHANGED, "warning", "any", "schema", details.check),
    Rule(details.SCHEMA_FORMAT_ADDED, "info", "any", "schema", details.check),
    Rule(details.SCHEMA_FORMAT_REMOVED, "info", "any", "schema", details.check),
    Rule(details.RESPONSE_INTEGER_FORMAT_WIDENED, "breaking", "response", "schema", details.check),
    Rule(details.REQUEST_INTEGER_FORMAT_NARROWED, "breaking", "request", "schema", details.check),
    Rule(details.REQUEST_DEFAULT_CHANGED, "warning", "request", "schema", details.check),
    Rule(properties.REQUEST_PROPERTY_ADDED_REQUIRED, "breaking", "request", "schema", properties.check),
    Rule(properties.REQUEST_PROPERTY_ADDED_OPTIONAL, "info", "request", "schema", properties.check),
    Rule(properties.REQUEST_PROPERTY_REMOVED, "warning", "request", "schema", properties.check),
    Rule(properties.REQUEST_PROPERTY_BECAME_REQUIRED, "breaking", "request", "schema", properties.check),
    Rule(properties.REQUEST_PROPERTY_BECAME_OPTIONAL, "info", "request", "schema", properties.check),
    Rule(properties.RESPONSE_PROPERTY_ADDED, "info", "response", "schema", properties.check),
    Rule(properties.RESPONSE_PROPERTY_REMOVED, "breaking", "response", "schema", properties.check),
    Rule(properties.RESPONSE_PROPERTY_BECAME_OPTIONAL, "breaking", "response", "schema", properties.check),
    Rule(properties.RESPONSE_PROPERTY_BECAME_REQUIRED, "info", "response", "schema", properties.check),
    Rule(variants.RESPONSE_VARIANT_ADDED, "breaking", "response", "schema", variants.check),
    Rule(variants.RESPONSE_VARIANT_REMOVED, "info", "response", "schema", variants.check),
    Rule(variants.REQUEST_VARIANT_ADDED, "info", "request", "schema", variants.check),
    Rule(variants.REQUEST_VARIANT_REMOVED, "breaking", "request", "schema", variants.check),
    Rule(access.REQUEST_PROPERTY_BECAME_READ_ONLY, "warning", "request", "schema", access.check),
    Rule(access.REQUEST_PROPERTY_BECAME_WRITABLE, "info", "request", "schema", access.check),
    Rule(access.REQUEST_REQUIRED_PROPERTY_BECAME_WRITABLE, "breaking", "request", "schema", access.check),
    Rule(access.RESPONSE_PROPERTY_BECAME_WRITE_ONLY, "breaking", "response", "schema", access.check),
    Rule(access.RESPONSE_PROPERTY_NO_LONGER_WRITE_ONLY, "info", "response", "schema", access.check),
    Rule(deprecation.REQUEST_PROPERTY_DEPRECATED, "info", "request", "schema", deprecation.check_properties),
    Rule(
        deprecation.RESPONSE_PROPERTY_DEPRECATED, "info", "response", "schema", deprecation.check_properties
    ),
    Rule(EXT.REQUEST_EXTENSIBLE_ENUM_VALUE_REMOVED, "breaking", "request", "schema", EXT.check),
    Rule(EXT.REQUEST_EXTENSIBLE_ENUM_VALUE_ADDED, "info", "request", "schema", EXT.check),
    Rule(EXT.RESPONSE_EXTENSIBLE_ENUM_VALUE_ADDED, "info", "response", "schema", EXT.check),
    Rule(EXT.RESPONSE_EXTENSIBLE_ENUM_VALUE_REMOVED, "info", "response", "schema", EXT.check),
    Rule(AP.REQUEST_ADDITIONAL_PROPERTIES_TIGHTENED, "breaking", "request", "schema", AP.check),
    Rule(AP.REQUEST_ADDITIONAL_PROPERTIES_LOOSENED, "info", "request", "schema", AP.check),
    Rule(AP.RESPONSE_ADDITIONAL_PROPERTIES_LOOSENED, "warning", "response", "schema", AP.check),
    Rule(AP.RESPONSE_ADDITIONAL_PROPERTIES_TIGHTENED, "info", "response", "schema", AP.check),
    Rule(arrays.REQUEST_ITEMS_BECAME_UNIQUE, "breaking", "request", "schema", arrays.check),
    Rule(arrays.REQUEST_ITEMS_NO_LONGER_UNIQUE, "info", "request", "schema", arrays.check),
    Rule(arrays.RESPONSE_ITEMS_NO_LONGER_UNIQUE, "warning", "response", "schema", arrays.check),
    Rule(arrays.RESPONSE_ITEMS_BECAME_UNIQUE, "info", "response", "schema", arrays.check),
    Rule(discriminator.DISCRIMINATOR_ADDED, "info", "any", "schema", discriminator.check),
    Rule(discriminator.DISCRIMINATOR_REMOVED, "warning", "any", "schema", discriminator.check),
    Rule(discriminator.DISCRIMINATOR_PROPERTY_CHANGED, "breaking", "any", "schema", discriminator.check),
    Rule(DIS.DISCRIMINATOR_VALUE_RENAMED, "breaking", "any", "schema", DIS.check),
    Rule(DIS.REQUEST_DISCRIMINATOR_VALUE_REMOVED, "breaking", "request", "schema", DIS.check),
    Rule(DIS.RESPONSE_DISCRIMINATOR_VALUE_REMOVED, "info", "response", "schema", DIS.check),
    Rule(DIS.REQUEST_DISCRIMINATOR_VALUE_ADDED, "info", "request", "schema", DIS.check),
    Rule(DIS.RESPONSE_DISCRIMINATOR_VALUE_ADDED, "breaking", "response", "schema", DIS.check),
    Rule(discriminator.DISCRIMINATOR_MAPPING_CHANGED, "warning", "any", "schema", discriminator.check),
    Rule(subschemas.REQUEST_NOT_ADDED, "breaking", "request", "schema", subschemas.check),
    Rule(subschemas.REQUEST_NOT_REMOVED, "info", "request", "schema", subschemas.check),
    Rule(subschemas.RESPONSE_NOT_ADDED, "info", "response", "schema", subschemas.check),
    Rule(subschemas.RESPONSE_NOT_REMOVED, "warning", "response", "schema", subschemas.check),
    Rule(subschemas.SCHEMA_NOT_CHANGED, "warning", "any", "schema", subschemas.check),
    Rule(subschemas.REQUEST_CONDITION_ADDED, "breaking", "request", "schema", subschemas.check),
    Rule(subschemas.REQUEST_CONDITION_REMOVED, "info", "request", "schema", subschemas.check),
    Rule(subschemas.RESPONSE_CONDITION_ADDED, "info", "response", "schema", subschemas.check),
    Rule(subschemas.RESPONSE_CONDITION_REMOVED, "warning", "response", "schema", subschemas.check),
    Rule(subschemas.SCHEMA_CONDITION_CHANGED, "warning", "any", "schema", subschemas.check),
    Rule(subschemas.REQUEST_PATTERN_PROPERTY_ADDED, "breaking", "request", "schema", subschemas.check),
    Rule(subschemas.REQUEST_PATTERN_PROPERTY_REMOVED, "info", "request", "schema", subschemas.check),
    Rule(subschemas.RESPONSE_PATTERN_PROPERTY_ADDED, "info", "response", "schema", subschemas.check),
    Rule(subschemas.RESPONSE_PATTERN_PROPERTY_REMOVED, "warning", "response", "schema", subschemas.check),
    Rule(
        sunset.REQUEST_PROPERTY_REMOVED_BEFORE_SUNSET,
        "breaking",
        "request",
        "schema",
        sunset.check_properties,
    ),
    Rule(sunset.REQUEST_PROPERTY_REMOVED_AFTER_SUNSET, "info", "request", "schema", sunset.check_properties),
    Rule(
        sunset.RESPONSE_PROPERTY_REMOVED_BEFORE_SUNSET,
        "breaking",
        "response",
        "schema",
        sunset.check_properties,
    ),
    Rule(
        sunset.RESPONSE_PROPERTY_REMOVED_AFTER_SUNSET, "info", "response", "schema", sunset.check_properties
    ),
    Rule(DEP.REQUEST_DEPENDENT_REQUIRED_ADDED, "breaking", "request", "schema", DEP.check),
    Rule(DEP.REQUEST_DEPENDENT_REQUIRED_REMOVED, "info", "request", "schema", DEP.check),
    Rule(DEP.RESPONSE_DEPENDENT_REQUIRED_ADDED, "info", "response", "schema", DEP.check),
    Rule(DEP.RESPONSE_DEPENDENT_REQUIRED_REMOVED, "breaking", "response", "schema", DEP.check),
    Rule(DEP.REQUEST_DEPENDENT_SCHEMA_ADDED, "breaking", "request", "schema", DEP.check),
    Rule(DEP.REQUEST_DEPENDENT_SCHEMA_REMOVED, "info", "request", "schema", DEP.check),
    Rule(DEP.RESPONSE_DEPENDENT_SCHEMA_ADDED, "info", "response", "schema", DEP.check),
    Rule(DEP.RESPONSE_DEPENDENT_SCHEMA_REMOVED, "warning", "response", "schema", DEP.check),
    Rule(PRE.REQUEST_PREFIX_ITEM_ADDED, "breaking", "request", "schema", PRE.check),
    Rule(PRE.REQUEST_PREFIX_ITEM_REMOVED, "info", "request", "schema", PRE.check),
    Rule(PRE.RESPONSE_PREFIX_ITEM_ADDED, "info", "response", "schema", PRE.check),
    Rule(PRE.RESPONSE_PREFIX_ITEM_REMOVED, "warning", "response", "schema", PRE.check),
    Rule(UNE.REQUEST_UNEVALUATED_TIGHTENED, "breaking", "request", "schema", UNE.check),
    Rule(UNE.REQUEST_UNEVALUATED_LOOSENED, "info", "request", "schema", UNE.check),
    Rule(UNE.RESPONSE_UNEVALUATED_LOOSENED, "warning", "response", "schema", UNE.check),
    Rule(UNE.RESPONSE_UNEVALUATED_TIGHTENED, "info", "response", "schema", UNE.check),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


# schema handlers that only read keywords the canonical form leaves out: run through one
# dispatcher that skips those whose keywords neither document uses (rules/keywords.py)
KEYWORD_FAMILIES: dict[Callable[..., None], frozenset[str]] = {
    access.check: access.USES,
    deprecation.check_properties: deprecation.PROPERTIES_USE,
    EXT.check: EXT.USES,
    AP.check: AP.USES,
    arrays.check: arrays.USES,
    discriminator.check: discriminator.USES,
    subschemas.check: subschemas.USES,
    sunset.check_properties: sunset.USES,
    DEP.check: DEP.USES,
    PRE.check: PRE.USES,
    UNE.check: UNE.USES,
}


def handlers(unit: str) -> list[Callable[..., None]]:
    """The distinct handlers of a unit, in table order (keyword families as one dispatcher, at the
    place of the first of them)."""
    out: list[Callable[..., None]] = []
    families: list[tuple[Callable[..., None], frozenset[str]]] = []
    for rule in RULES:
        if rule.unit != unit or rule.handler in out or any(rule.handler is h for h, _ in families):
            continue
        if rule.handler in KEYWORD_FAMILIES:
            if not families:
                out.append(keywords.dispatch(families))  # the list fills up below
            families.append((rule.handler, KEYWORD_FAMILIES[rule.handler]))
        else:
            out.append(rule.handler)
    return out
