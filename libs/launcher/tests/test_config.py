"""The launcher's configuration: defaults, ``RUNNERLY_*`` overrides, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from runnerly_kit.manifest import ServiceManifest
from runnerly_kit.settings import EMBEDDED_NATS_PORT
from runnerly_launcher.config import load_config, port_variable
from runnerly_launcher.errors import ConfigError

Manifests = tuple[ServiceManifest, ServiceManifest]

TOKENDEALER = ServiceManifest(
    name="tokendealer",
    app_factory="x:y",
    env_prefix="TOKENDEALER_",
    default_port=8701,
    start_order=0,
)


def test_defaults_keep_data_under_var_and_use_manifest_ports(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """With no variables set, data lives in ./var, the broker is embedded on 8790, and each
    service listens on its manifest's port."""
    alpha, beta = fake_manifests
    config = load_config([TOKENDEALER, alpha, beta], {}, cwd=tmp_path)

    assert config.data_dir == tmp_path / "var"
    assert config.secrets_file == tmp_path / "var" / "secrets.json"
    assert config.nats_store_dir == tmp_path / "var" / "nats"
    assert config.starts_broker
    assert config.nats_url == f"nats://127.0.0.1:{EMBEDDED_NATS_PORT}"
    assert [(e.name, e.url) for e in config.services] == [
        ("tokendealer", "http://127.0.0.1:8701"),
        ("alpha", "http://127.0.0.1:8771"),
        ("beta", "http://127.0.0.1:8772"),
    ]
    assert config.tokendealer_url == "http://127.0.0.1:8701"
    assert not config.log_json


def test_runnerly_variables_override_every_default(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """RUNNERLY_DATA_DIR, RUNNERLY_NATS_PORT, RUNNERLY_<SERVICE>_PORT and RUNNERLY_LOG_JSON
    change the data folder, the broker's port, a service's port and the log format."""
    alpha, _ = fake_manifests
    environ = {
        "RUNNERLY_DATA_DIR": "state",
        "RUNNERLY_NATS_PORT": "18790",
        "RUNNERLY_TOKENDEALER_PORT": "18701",
        "RUNNERLY_ALPHA_PORT": "18771",
        "RUNNERLY_LOG_JSON": "true",
        "RUNNERLY_SHUTDOWN_GRACE_SECONDS": "7",
        "RUNNERLY_READY_TIMEOUT_SECONDS": "12.5",
    }
    config = load_config([TOKENDEALER, alpha], environ, cwd=tmp_path)

    assert config.data_dir == tmp_path / "state"
    assert config.nats_url == "nats://127.0.0.1:18790"
    assert [e.port for e in config.services] == [18701, 18771]
    assert config.tokendealer_url == "http://127.0.0.1:18701"
    assert config.log_json
    assert config.shutdown_grace_seconds == 7
    assert config.ready_timeout_seconds == 12.5


def test_a_services_own_port_variable_is_honoured_below_the_runnerly_one(
    fake_manifests: Manifests,
) -> None:
    """ALPHA_PORT moves alpha (so the launcher probes where it really listens), and
    RUNNERLY_ALPHA_PORT wins over it."""
    alpha, _ = fake_manifests
    assert load_config([alpha], {"ALPHA_PORT": "18001"}).services[0].port == 18001
    both = {"ALPHA_PORT": "18001", "RUNNERLY_ALPHA_PORT": "18002"}
    assert load_config([alpha], both).services[0].port == 18002


def test_an_external_broker_url_means_no_embedded_broker(fake_manifests: Manifests) -> None:
    """RUNNERLY_NATS_URL points services at an operator's broker; the launcher starts none."""
    alpha, _ = fake_manifests
    config = load_config([alpha], {"RUNNERLY_NATS_URL": "nats://broker.internal:4222"})
    assert not config.starts_broker
    assert config.nats_url == "nats://broker.internal:4222"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RUNNERLY_NATS_PORT", "http"),
        ("RUNNERLY_ALPHA_PORT", "70000"),
        ("RUNNERLY_ALPHA_PORT", "-1"),
        ("RUNNERLY_LOG_JSON", "maybe"),
        ("RUNNERLY_READY_TIMEOUT_SECONDS", "soon"),
        ("RUNNERLY_SHUTDOWN_GRACE_SECONDS", "nan"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(
    fake_manifests: Manifests, variable: str, value: str
) -> None:
    """A value that is not a port, a boolean or a number of seconds stops the launcher with a
    message naming the variable to fix."""
    alpha, _ = fake_manifests
    with pytest.raises(ConfigError, match=variable):
        load_config([alpha], {variable: value})


def test_two_components_on_one_port_are_refused(fake_manifests: Manifests) -> None:
    """Giving a service the broker's port (or another service's) is refused before anything
    starts, naming both."""
    alpha, beta = fake_manifests
    with pytest.raises(ConfigError, match=r"broker.*alpha \(RUNNERLY_ALPHA_PORT\)"):
        load_config([alpha], {"RUNNERLY_NATS_PORT": "18000", "RUNNERLY_ALPHA_PORT": "18000"})
    with pytest.raises(ConfigError, match=r"alpha .*beta \(RUNNERLY_BETA_PORT\)"):
        load_config([alpha, beta], {"RUNNERLY_ALPHA_PORT": "18000", "RUNNERLY_BETA_PORT": "18000"})


def test_an_external_broker_frees_the_embedded_brokers_port(fake_manifests: Manifests) -> None:
    """With an external broker, the embedded broker's port is not reserved."""
    alpha, _ = fake_manifests
    environ = {"RUNNERLY_NATS_URL": "nats://10.0.0.5:4222", "RUNNERLY_ALPHA_PORT": "8790"}
    assert load_config([alpha], environ).services[0].port == 8790


def test_selecting_services_keeps_start_order_and_refuses_unknown_names(
    fake_manifests: Manifests,
) -> None:
    """Commands may name services: they come back in start order, an unknown name is refused
    listing the installed ones, and the token dealer's URL holds even when it is not selected."""
    alpha, beta = fake_manifests
    config = load_config([TOKENDEALER, alpha, beta], {"RUNNERLY_TOKENDEALER_PORT": "18701"})

    assert [e.name for e in config.select(["beta", "alpha"])] == ["alpha", "beta"]
    assert [e.name for e in config.select([])] == ["tokendealer", "alpha", "beta"]
    assert config.tokendealer_url == "http://127.0.0.1:18701"
    with pytest.raises(ConfigError, match="unknown service gamma; installed: alpha, beta, tok"):
        config.select(["gamma"])


def test_port_variable_names_are_valid_shell_names() -> None:
    """A service named with dashes gets a port variable a shell can set."""
    assert port_variable("tokendealer") == "RUNNERLY_TOKENDEALER_PORT"
    assert port_variable("strava-sync") == "RUNNERLY_STRAVA_SYNC_PORT"


def test_the_mail_sink_listens_on_8725_unless_moved(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """By default the launcher runs its SMTP sink on 127.0.0.1:8725 and keeps mail in
    ``<data>/mail``; RUNNERLY_SMTP_PORT moves it."""
    alpha, _ = fake_manifests
    default = load_config([alpha], {}, cwd=tmp_path)
    moved = load_config([alpha], {"RUNNERLY_SMTP_PORT": "18725"})

    assert default.starts_mail_sink
    assert default.smtp_url == "smtp://127.0.0.1:8725"
    assert default.mail_dir == tmp_path / "var" / "mail"
    assert moved.smtp_address == ("127.0.0.1", 18725)


def test_an_external_smtp_url_means_no_sink(fake_manifests: Manifests) -> None:
    """RUNNERLY_SMTP_URL names an operator's SMTP server (port 25 when none is given); the
    launcher starts no sink, and the sink's port is then free for a service."""
    alpha, _ = fake_manifests
    with_port = load_config([alpha], {"RUNNERLY_SMTP_URL": "smtp://relay.example.org:2587"})
    without = load_config(
        [alpha], {"RUNNERLY_SMTP_URL": "smtp://relay.example.org", "RUNNERLY_ALPHA_PORT": "8725"}
    )

    assert not with_port.starts_mail_sink
    assert with_port.smtp_address == ("relay.example.org", 2587)
    assert without.smtp_address == ("relay.example.org", 25)
    assert without.services[0].port == 8725


@pytest.mark.parametrize(
    "url",
    ["http://relay.example.org", "smtp://", "smtp://relay:port", "smtp://me:pw@relay.example.org"],
)
def test_a_bad_smtp_url_is_refused(fake_manifests: Manifests, url: str) -> None:
    """An SMTP URL that is not ``smtp://host[:port]``, or that carries a password, is refused
    naming RUNNERLY_SMTP_URL."""
    alpha, _ = fake_manifests
    with pytest.raises(ConfigError, match="RUNNERLY_SMTP_URL"):
        load_config([alpha], {"RUNNERLY_SMTP_URL": url})


def test_a_service_on_the_sinks_port_is_refused(fake_manifests: Manifests) -> None:
    """Giving a service the mail sink's port is refused before anything starts, naming both."""
    alpha, _ = fake_manifests
    with pytest.raises(ConfigError, match=r"mail sink \(RUNNERLY_SMTP_PORT\).*alpha"):
        load_config([alpha], {"RUNNERLY_SMTP_PORT": "18000", "RUNNERLY_ALPHA_PORT": "18000"})
