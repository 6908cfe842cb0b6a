"""`csa serve` driven by Microsoft's Python SDK (msgraph-sdk), as an application would drive Graph.

Assignments are sent as Microsoft Learn's examples send them: a `User` whose
`custom_security_attributes` is a `CustomSecurityAttributeValue` with the attribute sets in
`additional_data`, each set annotated `"@odata.type":
"#Microsoft.DirectoryServices.CustomSecurityAttributeValue"` and each collection or Int32
annotated `"<name>@odata.type"` ("Assign, update, list, or remove custom security attributes
for a user", https://learn.microsoft.com/en-us/entra/identity/users/users-custom-security-attributes;
"Examples: Assign, update, list, or remove custom security attribute assignments using the
Microsoft Graph API", https://learn.microsoft.com/en-us/graph/custom-security-attributes-examples).
Refusals reach the application as the SDK's `ODataError`, with Graph's status, code and message.

The tenant is docs/examples/tenant.jsonl on docs/examples/sample-catalog.json; the tokens are
tests/sdk/tokens.json (`admin-token`: both attribute administrator roles tenant-wide;
`eng-admin-token`: Attribute Assignment Administrator on Engineering; `mkt-reader-token`:
Attribute Assignment Reader on Marketing).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Dict, List, Optional, TypeVar

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphServiceClient
from msgraph.generated.models.allowed_value import AllowedValue
from msgraph.generated.models.attribute_set import AttributeSet
from msgraph.generated.models.custom_security_attribute_definition import (
    CustomSecurityAttributeDefinition,
)
from msgraph.generated.models.custom_security_attribute_value import CustomSecurityAttributeValue
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from conftest import Server

T = TypeVar("T")

#: The annotation of an attribute set in a request body.
SET_TYPE = "#Microsoft.DirectoryServices.CustomSecurityAttributeValue"
#: The annotation of an attribute set in Graph's answers.
SET_TYPE_READ = "#microsoft.graph.customSecurityAttributeValue"

JIYA = "dbaf3778-4f81-4ea0-ac1c-502a293c12ac"
JANA = "6bac433c-48c6-4213-a316-1428de32701b"
ALAIN = "c4f9ecd3-d3c1-4544-b49a-bc9bb62beb67"


def run(awaitable: Awaitable[T]) -> T:
    async def wrapped() -> T:
        return await awaitable

    return asyncio.run(wrapped())


def assignment(**sets: Dict[str, Any]) -> User:
    """The request body of an assignment: `User(custom_security_attributes=...)` with each set
    annotated as a request's set is."""
    data = {name: {"@odata.type": SET_TYPE, **values} for name, values in sets.items()}
    return User(custom_security_attributes=CustomSecurityAttributeValue(additional_data=data))


def select(*names: str) -> RequestConfiguration[UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters]:
    query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=list(names))
    return RequestConfiguration(query_parameters=query)


async def attributes(client: GraphServiceClient, user_id: str) -> Dict[str, Any]:
    """`GET /users/{id}?$select=customSecurityAttributes`: the sets the caller may read."""
    user = await client.users.by_user_id(user_id).get(select("customSecurityAttributes"))
    assert user is not None
    if user.custom_security_attributes is None:
        return {}
    data: Dict[str, Any] = user.custom_security_attributes.additional_data
    return data


def refusal(awaitable: Awaitable[Any]) -> ODataError:
    """The `ODataError` the SDK raises for a request Graph refuses."""
    with pytest.raises(ODataError) as raised:
        run(awaitable)
    return raised.value


def said(error: ODataError) -> tuple[Optional[int], Optional[str], Optional[str]]:
    assert error.error is not None
    return (error.response_status_code, error.error.code, error.error.message)


# Assign: each documented type, then read back through the SDK.
ASSIGNMENTS = {
    "string": (
        {"Marketing": {"EmployeeId": "AB12345"}},
        {"Marketing": {"@odata.type": SET_TYPE_READ, "EmployeeId": "AB12345"}},
    ),
    "multi-string": (
        {"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]}},
        {
            "Engineering": {
                "@odata.type": SET_TYPE_READ,
                "Project@odata.type": "#Collection(String)",
                "Project": ["Baker", "Cascade"],
            }
        },
    ),
    "Int32": (
        {"Engineering": {"NumVendors@odata.type": "#Int32", "NumVendors": 4}},
        {"Engineering": {"@odata.type": SET_TYPE_READ, "NumVendors": 4}},
    ),
    "Boolean": (
        {"Engineering": {"Certification": True}},
        {"Engineering": {"@odata.type": SET_TYPE_READ, "Certification": True}},
    ),
}


@pytest.mark.parametrize("kind", list(ASSIGNMENTS))
def test_assign(server: Server, kind: str) -> None:
    sent, expected = ASSIGNMENTS[kind]
    client = server.client()
    answer = run(client.users.by_user_id(ALAIN).patch(assignment(**sent)))
    assert answer is None  # 204 No Content
    assert run(attributes(server.client(), ALAIN)) == expected
    last = json.loads(server.log()[-2])
    assert (last["method"], last["status"]) == ("PATCH", 204)


def test_update_replaces_the_value_and_the_whole_collection(server: Server) -> None:
    client = server.client()
    users = client.users.by_user_id(ALAIN)
    first = {"NumVendors@odata.type": "#Int32", "NumVendors": 4,
             "Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]}
    run(users.patch(assignment(Engineering=first)))
    then = {"NumVendors@odata.type": "#Int32", "NumVendors": 8,
            "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"]}
    run(server.client().users.by_user_id(ALAIN).patch(assignment(Engineering=then)))
    engineering = run(attributes(server.client(), ALAIN))["Engineering"]
    assert engineering["NumVendors"] == 8
    assert sorted(engineering["Project"]) == ["Alpine", "Baker"]


def test_remove_with_none_and_with_an_empty_list(server: Server) -> None:
    before = run(attributes(server.client(), JIYA))
    assert before["Engineering"]["Datacenter"] == ["India"]
    assert before["Marketing"]["EmployeeId"] == "KX19476"
    body = assignment(
        Engineering={"Datacenter@odata.type": "#Collection(String)", "Datacenter": []},
        Marketing={"EmployeeId": None},
    )
    assert run(server.client().users.by_user_id(JIYA).patch(body)) is None
    after = run(attributes(server.client(), JIYA))
    assert "Engineering" not in after  # its only attribute is gone, and the set with it
    assert after["Marketing"] == {
        "@odata.type": SET_TYPE_READ,
        "AppCountry@odata.type": "#Collection(String)",
        "AppCountry": ["India", "Canada"],
    }


def test_read_with_select(server: Server) -> None:
    users = server.client().users.by_user_id(JIYA)
    user = run(users.get(select("id", "displayName", "customSecurityAttributes")))
    assert user is not None
    assert (user.id, user.display_name) == (JIYA, "Jiya")
    assert user.custom_security_attributes is not None
    assert sorted(user.custom_security_attributes.additional_data) == ["Engineering", "Marketing"]

    # Without $select, Graph does not return the attributes.
    plain = run(server.client().users.by_user_id(JIYA).get())
    assert plain is not None
    assert (plain.display_name, plain.custom_security_attributes) == ("Jiya", None)

    # A reader of Marketing reads Marketing only.
    seen = run(attributes(server.client("mkt-reader-token"), JIYA))
    assert sorted(seen) == ["Marketing"]


def list_users(client: GraphServiceClient, filter: str, *, eventual: bool) -> Any:
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
        count=True, filter=filter, select=["id", "displayName", "customSecurityAttributes"]
    )
    config = RequestConfiguration(query_parameters=query)
    if eventual:
        config.headers.add("ConsistencyLevel", "eventual")
    return client.users.get(config)


def test_list_with_filter_and_count(server: Server) -> None:
    canada = "customSecurityAttributes/Marketing/AppCountry eq 'Canada'"
    page = run(list_users(server.client(), canada, eventual=True))
    assert page is not None
    assert page.odata_count == 2
    assert sorted(u.display_name for u in page.value) == ["Jana", "Jiya"]
    jana = next(u for u in page.value if u.id == JANA)
    assert jana.custom_security_attributes.additional_data["Marketing"]["AppCountry"] == ["Canada", "Mexico"]

    # An attribute filter is an advanced query: without ConsistencyLevel it is refused.
    error = refusal(list_users(server.client(), canada, eventual=False))
    assert said(error) == (
        400,
        "Request_UnsupportedQuery",
        "Unsupported or invalid query filter clause specified for property 'Marketing_AppCountry' of resource 'CustomSecurityAttributeValue'.",
    )


def test_create_an_attribute_set_then_a_definition_with_allowed_values(server: Server) -> None:
    directory = server.client().directory
    created = run(directory.attribute_sets.post(
        AttributeSet(id="Finance", description="Attributes for finance", max_attributes_per_set=10)
    ))
    assert created is not None
    assert (created.id, created.description, created.max_attributes_per_set) == (
        "Finance", "Attributes for finance", 10)
    sets = run(server.client().directory.attribute_sets.get())
    assert sets is not None and "Finance" in [s.id for s in sets.value]

    definition = CustomSecurityAttributeDefinition(
        attribute_set="Finance",
        description="Cost centre of the user",
        is_collection=False,
        is_searchable=True,
        name="CostCentre",
        status="Available",
        type="String",
        use_pre_defined_values_only=True,
        allowed_values=[AllowedValue(id="North", is_active=True), AllowedValue(id="South", is_active=True)],
    )
    made = run(server.client().directory.custom_security_attribute_definitions.post(definition))
    assert made is not None
    assert (made.id, made.attribute_set, made.name, made.type) == ("Finance_CostCentre", "Finance", "CostCentre", "String")
    values = run(server.client().directory.custom_security_attribute_definitions
                 .by_custom_security_attribute_definition_id("Finance_CostCentre").allowed_values.get())
    assert values is not None
    assert [(v.id, v.is_active) for v in values.value] == [("North", True), ("South", True)]

    # The new attribute is assignable at once, with its predefined values only.
    run(server.client().users.by_user_id(ALAIN).patch(assignment(Finance={"CostCentre": "North"})))
    assert run(attributes(server.client(), ALAIN))["Finance"]["CostCentre"] == "North"
    error = refusal(server.client().users.by_user_id(ALAIN).patch(assignment(Finance={"CostCentre": "East"})))
    assert said(error) == (400, "Request_BadRequest", "`East` is not a predefined value of `Finance_CostCentre`")


def test_deactivate_an_allowed_value(server: Server) -> None:
    value = (server.client().directory.custom_security_attribute_definitions
             .by_custom_security_attribute_definition_id("Engineering_Project")
             .allowed_values.by_allowed_value_id("Alpine"))
    assert run(value.patch(AllowedValue(is_active=False))) is None  # 204 No Content
    got = run(server.client().directory.custom_security_attribute_definitions
              .by_custom_security_attribute_definition_id("Engineering_Project")
              .allowed_values.by_allowed_value_id("Alpine").get())
    assert got is not None and (got.id, got.is_active) == ("Alpine", False)

    body = assignment(Engineering={"Project@odata.type": "#Collection(String)", "Project": ["Alpine"]})
    error = refusal(server.client().users.by_user_id(ALAIN).patch(body))
    status, code, message = said(error)
    assert (status, code) == (400, "Request_BadRequest")
    assert message is not None and "Alpine" in message and "deactivated" in message


def test_refusals_carry_graphs_code_and_message_and_change_nothing(server: Server) -> None:
    unknown = assignment(Engineering={"Projectdat": "x"})
    assert said(refusal(server.client().users.by_user_id(ALAIN).patch(unknown))) == (
        400, "Request_BadRequest", "the attribute `Projectdat` does not exist in `Engineering`")

    wrong_case = assignment(Engineering={"Project@odata.type": "#Collection(String)", "Project": ["baker"]})
    assert said(refusal(server.client().users.by_user_id(ALAIN).patch(wrong_case))) == (
        400, "Request_BadRequest", "`baker` is not a predefined value of `Engineering_Project`")

    allowed = assignment(Engineering={"Certification": True})
    denied = (403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    assert said(refusal(server.client("mkt-reader-token").users.by_user_id(ALAIN).patch(allowed))) == denied
    # An assignment administrator of Engineering may not touch Marketing.
    marketing = assignment(Marketing={"EmployeeId": "AB12345"})
    assert said(refusal(server.client("eng-admin-token").users.by_user_id(ALAIN).patch(marketing))) == denied
    # Nor define anything.
    new_set = AttributeSet(id="Finance", description="x", max_attributes_per_set=10)
    assert said(refusal(server.client("eng-admin-token").directory.attribute_sets.post(new_set))) == denied

    assert said(refusal(server.client("no-such-token").users.by_user_id(ALAIN).patch(allowed))) == (
        401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
    missing = "00000000-0000-0000-0000-000000000000"
    assert said(refusal(server.client().users.by_user_id(missing).get())) == (
        404,
        "Request_ResourceNotFound",
        f"Resource '{missing}' does not exist or one of its queried reference-property objects are not present.",
    )

    # Nothing was written.
    assert run(attributes(server.client(), ALAIN)) == {}
    statuses: List[int] = [json.loads(line)["status"] for line in server.log()]
    assert statuses == [400, 400, 403, 403, 403, 401, 404, 200]
