"""The rule table: every rule id with its level, direction, unit and handler (one family per module)."""

from __future__ import annotations

from collections.abc import Callable

from .model import Rule
from .rules import (
    bounds,
    details,
    endpoints,
    enums,
    nullability,
    operations,
    parameters,
    properties,
    request_body,
    responses,
    security,
    types,
    variants,
)

RULES: tuple[Rule, ...] = (
    # spec unit: paths and operations
    Rule(endpoints.PATH_ADDED, "info", "any", "spec", endpoints.check),
    Rule(endpoints.PATH_REMOVED, "breaking", "any", "spec", endpoints.check),
    Rule(endpoints.OPERATION_ADDED, "info", "any", "spec", endpoints.check),
    Rule(endpoints.OPERATION_REMOVED, "breaking", "any", "spec", endpoints.check),
    # operation unit
    Rule(operations.OPERATION_ID_CHANGED, "warning", "any", "operation", operations.check),
    Rule(operations.OPERATION_DEPRECATED, "warning", "any", "operation", operations.check),
    Rule(operations.OPERATION_DOCS_CHANGED, "info", "any", "operation", operations.check),
    Rule(security.SECURITY_ADDED, "breaking", "request", "operation", security.check),
    Rule(security.SECURITY_REMOVED, "info", "request", "operation", security.check),
    Rule(security.SECURITY_ALTERNATIVE_ADDED, "info", "request", "operation", security.check),
    Rule(security.SECURITY_ALTERNATIVE_REMOVED, "breaking", "request", "operation", security.check),
    Rule(parameters.PARAMETER_ADDED_REQUIRED, "breaking", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_ADDED_OPTIONAL, "info", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_REMOVED, "warning", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_BECAME_REQUIRED, "breaking", "request", "operation", parameters.check),
    Rule(parameters.PARAMETER_BECAME_OPTIONAL, "info", "request", "operation", parameters.check),
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
    Rule(responses.MEDIA_TYPE_ADDED, "info", "response", "operation", responses.check),
    Rule(responses.MEDIA_TYPE_REMOVED, "breaking", "response", "operation", responses.check),
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
    Rule(details.REQUEST_PATTERN_CHANGED, "warning", "request", "schema", details.check),
    Rule(details.SCHEMA_FORMAT_CHANGED, "warning", "any", "schema", details.check),
    Rule(details.SCHEMA_FORMAT_ADDED, "info", "any", "schema", details.check),
    Rule(details.SCHEMA_FORMAT_REMOVED, "info", "any", "schema", details.check),
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
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def handlers(unit: str) -> list[Callable[..., None]]:
    """The distinct handlers of a unit, in table order."""
    out: list[Callable[..., None]] = []
    for rule in RULES:
        if rule.unit == unit and rule.handler not in out:
            out.append(rule.handler)
    return out
