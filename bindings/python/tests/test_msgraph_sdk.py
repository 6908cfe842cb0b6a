"""Interop with Microsoft's own Python SDK (msgraph-sdk, a test-only dependency).

1. The documented assignments (string, multi-string, Int32, multi-Int32, Boolean, removal with
   `None`, removal with `[]`), built as the SDK's `User` with a `CustomSecurityAttributeValue`
   and serialised by the SDK's own kiota JSON writer: csa accepts the bytes the SDK would send,
   with the documented change.
2. The read-modify-write hazard: the SDK's JSON parser turns date- and GUID-shaped strings of
   a GET response into `datetime` and `UUID` objects, and its writer writes them back changed
   (`"2022-10-01"` becomes `"2022-10-01T00:00:00"`, an upper-case GUID becomes lower-case).
   Sending the object back PATCHes values nobody meant to change: csa's diff shows each one as
   a `replace`, before the request is sent.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest

from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter
from msgraph.generated.models.custom_security_attribute_value import CustomSecurityAttributeValue
from msgraph.generated.models.user import User

import entra_csa
from support import GRAPH_EXAMPLES

CATALOG = (GRAPH_EXAMPLES / "sample-catalog.json").read_text(encoding="utf-8")

#: The documented examples of each kind, and the state each one assumes (its preconditions).
DOCUMENTED = {
    "A01": ("string", None),
    "A03": ("multi-string", None),
    "A04": ("Int32", None),
    "A05": ("multi-Int32", None),
    "A06": ("Boolean", None),
    "A10": ("None removal", {"Engineering": {"ProjectDate": "2022-10-01"}}),
    "A11": ("[] removal", {"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]}}),
}


def documented_body(eid: str) -> Dict[str, Any]:
    (path,) = (GRAPH_EXAMPLES / "assignments").glob(f"{eid}-*.json")
    example = json.loads(path.read_text(encoding="utf-8"))
    body: Dict[str, Any] = example["request"]["body"]
    return body


def sdk_bytes(user: User) -> bytes:
    """What the SDK sends for a PATCH of `user`: its kiota JSON writer's output."""
    writer = JsonSerializationWriter()
    writer.write_object_value(None, user)
    content: bytes = writer.get_serialized_content()
    return content


def sdk_user(custom_security_attributes: Dict[str, Any]) -> User:
    """`User(custom_security_attributes=CustomSecurityAttributeValue(additional_data=...))`, as
    the SDK's documentation builds a request body."""
    return User(
        custom_security_attributes=CustomSecurityAttributeValue(
            additional_data=custom_security_attributes
        )
    )


def sdk_parse(response: Dict[str, Any]) -> User:
    """A GET response read by the SDK's own JSON parser."""
    node = JsonParseNodeFactory().get_root_parse_node("application/json", json.dumps(response).encode())
    user: User = node.get_object_value(User)
    return user


def the_object(state: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    return {"id": "u1", "customSecurityAttributes": state}


@pytest.mark.parametrize("eid", sorted(DOCUMENTED), ids=lambda e: f"{e}-{DOCUMENTED[e][0]}")
def test_the_sdk_writes_what_csa_accepts(eid: str) -> None:
    body = documented_body(eid)
    sent = sdk_bytes(sdk_user(body["customSecurityAttributes"]))
    state = DOCUMENTED[eid][1]
    result = entra_csa.check(CATALOG, sent, object=the_object(state))
    assert result["allowed"], json.dumps(result, indent=1)
    documented = entra_csa.check(CATALOG, body, object=the_object(state))
    assert result["changes"] == documented["changes"]
    assert len(result["changes"]) == 1
    assert result["request"] == documented["request"]
    # The SDK's bytes, read as csa reads text: the writer's own `@odata.type` for the user is
    # the only addition.
    assert json.loads(sent)["@odata.type"] == "#microsoft.graph.user"


def test_removals_reach_the_wire_as_null_and_empty_list() -> None:
    sent = json.loads(sdk_bytes(sdk_user(documented_body("A10")["customSecurityAttributes"])))
    assert sent["customSecurityAttributes"]["Engineering"]["ProjectDate"] is None
    sent = json.loads(sdk_bytes(sdk_user(documented_body("A11")["customSecurityAttributes"])))
    assert sent["customSecurityAttributes"]["Engineering"]["Project"] == []


def test_the_sdk_snippet_form_is_refused_with_hints() -> None:
    """The SDK's generated documentation snippets write the keys in snake case
    (`"@odata_type"`, `"project_date"`): what such a body would get from Graph, csa says
    before it is sent."""
    snippet = sdk_user(
        {"engineering": {"@odata_type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "project_date": "2022-10-01"}}
    )
    result = entra_csa.check(CATALOG, sdk_bytes(snippet))
    assert result["allowed"] is False
    found = [(v["code"], v["hint"]) for v in result["violations"]]
    assert found == [
        ("missing_odata_type", 'add `"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"`'),
        ("unknown_attribute", "did you mean `ProjectDate`?"),
    ]


GET_RESPONSE = {
    "id": "u1",
    "customSecurityAttributes": {
        "Engineering": {
            "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
            "ProjectDate": "2022-10-01",
            "Project@odata.type": "#Collection(String)",
            "Project": ["Baker", "Cascade"],
        },
        "Marketing": {
            "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
            "EmployeeId": "6BAC433C-48C6-4213-A316-1428DE32701B",
        },
    },
}


def test_read_modify_write_through_the_sdk_changes_what_nobody_changed() -> None:
    user = sdk_parse(GET_RESPONSE)
    assert user.custom_security_attributes is not None
    data = user.custom_security_attributes.additional_data
    # The SDK made Python objects of the strings.
    assert type(data["Engineering"]["ProjectDate"]).__name__ == "datetime"
    assert type(data["Marketing"]["EmployeeId"]).__name__ == "UUID"

    # The change meant: one more vendor. The whole object goes back, as the SDK's read-modify-
    # write samples do (the set types are the request's).
    for name in ("Engineering", "Marketing"):
        data[name]["@odata.type"] = "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"
    data["Engineering"]["NumVendors@odata.type"] = "#Int32"
    data["Engineering"]["NumVendors"] = 8
    sent = sdk_bytes(User(custom_security_attributes=user.custom_security_attributes))

    result = entra_csa.check(CATALOG, sent, object=GET_RESPONSE)
    assert result["allowed"]
    changes: List[Dict[str, Any]] = result["changes"]
    by_attribute = {c["attribute"]: c for c in changes}
    assert set(by_attribute) == {"Engineering_NumVendors", "Engineering_ProjectDate", "Marketing_EmployeeId"}
    assert by_attribute["Engineering_NumVendors"]["op"] == "add"
    date = by_attribute["Engineering_ProjectDate"]
    assert (date["op"], date["before"], date["after"]) == ("replace", "2022-10-01", "2022-10-01T00:00:00")
    guid = by_attribute["Marketing_EmployeeId"]
    assert (guid["op"], guid["before"], guid["after"]) == (
        "replace",
        "6BAC433C-48C6-4213-A316-1428DE32701B",
        "6bac433c-48c6-4213-a316-1428de32701b",
    )

    # The way out: plan from what Graph returned to what is wanted, and send the plan's request.
    wanted = json.loads(json.dumps(GET_RESPONSE))
    wanted["customSecurityAttributes"]["Engineering"]["NumVendors"] = 8
    planned = entra_csa.plan(CATALOG, GET_RESPONSE, wanted)
    assert [c["attribute"] for c in planned["changes"]] == ["Engineering_NumVendors"]
