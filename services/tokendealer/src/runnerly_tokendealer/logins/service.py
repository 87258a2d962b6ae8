"""The password grant (RFC 6749 §4.3): a runner logs in through the dashboard.

The token dealer holds no passwords: it asks the ``users`` service to check
the email and password, with its own service token, and issues a runner token
pair when ``users`` says yes. Refusals are worded the same for an unknown
email and a wrong password, so the endpoint tells nobody which emails have
accounts; each refusal counts towards throttling (see ``throttle``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from runnerly_kit.columns import utcnow
from runnerly_kit.errors import UpstreamError
from runnerly_tokendealer.logins import throttle
from runnerly_tokendealer.settings import ClientConfig
from runnerly_tokendealer.tokens.errors import OAuthError, invalid_grant, invalid_request
from runnerly_tokendealer.tokens.service import GrantContext, IssuedTokens, issue_token_pair

CHECK_PATH = "/v1/internal/credentials/check"
CHECK_SCOPE = "users:credentials.check"


class WrongCredentials(OAuthError):
    """An unknown email or a wrong password: one answer for both."""

    def __init__(self) -> None:
        super().__init__("invalid_grant", "The email or the password is wrong.")


@dataclass(frozen=True, slots=True)
class Login:
    """Who the users service says the credentials belong to."""

    user_id: str
    scopes: frozenset[str]


class PasswordGrant:
    """``grant_type=password``: ``username`` is the runner's email.

    ``clock`` times the throttle (tests pass one they move by hand).
    """

    grant_type = "password"

    def __init__(self, clock: throttle.Clock = utcnow) -> None:
        self._clock = clock

    async def issue(
        self, context: GrantContext, client: ClientConfig, params: Mapping[str, str]
    ) -> IssuedTokens:
        email, password = params.get("username", ""), params.get("password", "")
        if not email or not password:
            raise invalid_request("The username and password parameters are required.")
        account = throttle.account_key(email)
        keys = {
            account: throttle.ACCOUNT_POLICY,
            throttle.address_key(context.client_address): throttle.ADDRESS_POLICY,
        }
        await throttle.ensure_allowed(context.session, list(keys), self._clock())
        try:
            login = await _check(context, email, password)
        except WrongCredentials as refused:
            # Read the clock again: the wait starts now that the refusal is decided.
            await throttle.record_failure(context.session, keys, self._clock())
            refused.keep_changes = True  # the failure must count although we refuse
            raise
        await throttle.record_success(context.session, account)
        scopes = login.scopes & client.scopes
        asked = frozenset(params.get("scope", "").split())
        if asked:
            scopes &= asked
        return issue_token_pair(context, subject=login.user_id, client=client, scopes=scopes)


async def _check(context: GrantContext, email: str, password: str) -> Login:
    users_url = context.settings.users_url.rstrip("/")
    response = await context.runtime.http.post(
        f"{users_url}{CHECK_PATH}", json={"email": email, "password": password}
    )
    if response.status_code == 403:
        inactive = invalid_grant(
            "This account is not active: follow the link in the activation email."
        )
        # Still invalid_grant (RFC 6749 §5.2), with a reason a client can tell apart from
        # wrong credentials (the dashboard says 403 account_inactive).
        inactive.details = {"reason": "account_inactive"}
        raise inactive
    # A wrong login is a 200 verdict: a 401 would mean our own service token was refused.
    verdict = response.json() if response.status_code == 200 else {}
    if isinstance(verdict, dict) and verdict.get("verdict") == "accepted":
        return Login(str(verdict["user_id"]), frozenset(verdict.get("scopes", ())))
    if isinstance(verdict, dict) and verdict.get("verdict") == "wrong_credentials":
        raise WrongCredentials()
    raise UpstreamError(
        "The users service could not check the login.",
        details={"status": response.status_code},
    )
