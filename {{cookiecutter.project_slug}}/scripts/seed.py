"""Seed a Cognito user pool (local emulator) with an app client, a group and two users, and
(given a resource server) a client-credentials app client for services.

Every step first looks for what it would create, so seeding twice changes nothing.
"""

from dataclasses import dataclass

import boto3

POOL_NAME = "local-development"
CLIENT_NAME = "local-api"
MACHINE_CLIENT_NAME = "local-service"
REPORTS_SCOPE_NAME = "reports.read"
# The emulator checks no credentials, but boto3 signs its admin calls with some.
EMULATOR_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


@dataclass(frozen=True)
class LocalUser:
    """A user of the local pool; the password exists only on this machine's emulator."""

    username: str
    password: str
    email: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class LocalMachineClient:
    """An app client for services (client-credentials grant); the secret is local only."""

    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class LocalPool:
    """What seeding produced: where the pool is and who may sign in."""

    endpoint_url: str
    region: str
    pool_id: str
    client_id: str
    users: tuple[LocalUser, ...]
    machine_client: LocalMachineClient | None = None

    @property
    def app_client_ids(self) -> tuple[str, ...]:
        """Every app client the API should accept: the sign-in one, then the service one."""
        if self.machine_client is None:
            return (self.client_id,)
        return (self.client_id, self.machine_client.client_id)

    @property
    def jwks_url(self) -> str:
        """The pool's key set as the emulator serves it."""
        return f"{self.endpoint_url}/{self.pool_id}/.well-known/jwks.json"

    @property
    def issuer(self) -> str:
        """``iss`` of the emulator's tokens: the same form as real Cognito's."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"


def default_users(admin_group: str) -> tuple[LocalUser, ...]:
    """One member of ``admin_group`` and one user in no group."""
    return (
        LocalUser("alice", "Alice-Passw0rd!", "alice@example.com", (admin_group,)),
        LocalUser("bob", "Bob-Passw0rd!", "bob@example.com"),
    )


def emulator_client(endpoint_url: str, region: str):
    """A boto3 Cognito client for the emulator at ``endpoint_url``."""
    return boto3.client(
        "cognito-idp", region_name=region, endpoint_url=endpoint_url, **EMULATOR_CREDENTIALS
    )


def ensure_pool(idp) -> str:
    """The id of the pool named ``POOL_NAME``, created if missing."""
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == POOL_NAME:
                return pool["Id"]
    return idp.create_user_pool(PoolName=POOL_NAME)["UserPool"]["Id"]


def ensure_client(idp, pool_id: str) -> str:
    """The id of the app client named ``CLIENT_NAME`` (password sign-in, no secret)."""
    for page in idp.get_paginator("list_user_pool_clients").paginate(
        UserPoolId=pool_id, MaxResults=60
    ):
        for client in page["UserPoolClients"]:
            if client["ClientName"] == CLIENT_NAME:
                return client["ClientId"]
    created = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified"],
    )
    return created["UserPoolClient"]["ClientId"]


def ensure_group(idp, pool_id: str, group: str) -> None:
    """Create ``group`` unless the pool has it."""
    try:
        idp.get_group(UserPoolId=pool_id, GroupName=group)
    except idp.exceptions.ResourceNotFoundException:
        idp.create_group(UserPoolId=pool_id, GroupName=group)


def ensure_user(idp, pool_id: str, user: LocalUser) -> None:
    """Create ``user`` unless present; (re)set its permanent password and its groups."""
    try:
        idp.admin_get_user(UserPoolId=pool_id, Username=user.username)
    except idp.exceptions.UserNotFoundException:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=user.username,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": user.email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
    )
    for group in user.groups:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user.username, GroupName=group)


def ensure_resource_server(idp, pool_id: str, identifier: str) -> tuple[str, ...]:
    """The resource server ``identifier`` with its reports scope; its full scope names."""
    try:
        idp.describe_resource_server(UserPoolId=pool_id, Identifier=identifier)
    except idp.exceptions.ResourceNotFoundException:
        idp.create_resource_server(
            UserPoolId=pool_id,
            Identifier=identifier,
            Name=identifier,
            Scopes=[{"ScopeName": REPORTS_SCOPE_NAME, "ScopeDescription": "Read /api/reports/"}],
        )
    return (f"{identifier}/{REPORTS_SCOPE_NAME}",)


def ensure_machine_client(idp, pool_id: str, scopes: tuple[str, ...]) -> LocalMachineClient:
    """The app client named ``MACHINE_CLIENT_NAME``: a secret, the client-credentials grant."""
    client_id = None
    for page in idp.get_paginator("list_user_pool_clients").paginate(
        UserPoolId=pool_id, MaxResults=60
    ):
        for client in page["UserPoolClients"]:
            if client["ClientName"] == MACHINE_CLIENT_NAME:
                client_id = client["ClientId"]
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=MACHINE_CLIENT_NAME,
            GenerateSecret=True,
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=list(scopes),
            AllowedOAuthFlowsUserPoolClient=True,
        )["UserPoolClient"]["ClientId"]
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    client = described["UserPoolClient"]
    return LocalMachineClient(
        client_id, client["ClientSecret"], tuple(client.get("AllowedOAuthScopes", scopes))
    )


def seed(
    endpoint_url: str, region: str, admin_group: str, users=None, resource_server: str = ""
) -> LocalPool:
    """Make sure the emulator at ``endpoint_url`` has the pool, client, group and users."""
    users = tuple(users) if users is not None else default_users(admin_group)
    idp = emulator_client(endpoint_url, region)
    pool_id = ensure_pool(idp)
    client_id = ensure_client(idp, pool_id)
    for group in sorted({admin_group, *(g for user in users for g in user.groups)}):
        ensure_group(idp, pool_id, group)
    for user in users:
        ensure_user(idp, pool_id, user)
    machine_client = None
    if resource_server:
        scopes = ensure_resource_server(idp, pool_id, resource_server)
        machine_client = ensure_machine_client(idp, pool_id, scopes)
    return LocalPool(endpoint_url, region, pool_id, client_id, users, machine_client)
