"""The dashboard's Content-Security-Policy names the API and the change feed by their exact origins
(issue #16): the header policy can only name their domains' wildcards (their CORS names the
dashboard's origin, so Terraform cannot put their generated URLs into the dashboard's headers), and
make deploy writes Terraform's pinned connect-src into index.html as a <meta> policy, which the
browser enforces together with the header's."""

import importlib.util
import re
from pathlib import Path

import pytest

import terraform_source as tf

INFRA = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("pin_csp", INFRA / "pin_csp.py")
pin_csp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pin_csp)

INDEX = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <script type="module" crossorigin src="/assets/index-abc.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>
"""
POLICY = "connect-src 'self' https://abc.execute-api.eu-west-1.amazonaws.com https://xyz.lambda-url.eu-west-1.on.aws https://rt.example.com wss://rt.example.com"


def test_the_pin_comes_first_in_head_before_any_script():
    html = pin_csp.pin(INDEX, POLICY)
    meta = html.index('http-equiv="Content-Security-Policy"')
    assert meta < html.index("<script")
    assert f'content="{POLICY}"' in html


def test_pinning_again_replaces_the_earlier_pin():
    once = pin_csp.pin(INDEX, POLICY)
    other = POLICY.replace("abc.execute-api", "def.execute-api")
    twice = pin_csp.pin(once, other)
    assert twice.count("Content-Security-Policy") == 1
    assert "def.execute-api" in twice and "abc.execute-api" not in twice


@pytest.mark.parametrize(
    "source",
    ["https://*.execute-api.eu-west-1.amazonaws.com", "https://api.example.com/v1", "http://api.example.com", "*", "'unsafe-inline'"],
)
def test_a_source_that_is_not_an_exact_origin_is_refused_and_the_file_is_left_alone(tmp_path, source):
    index = tmp_path / "index.html"
    index.write_text(INDEX)
    assert pin_csp.main(["pin_csp.py", str(index), f"connect-src 'self' {source}"]) == 1
    assert index.read_text() == INDEX


def test_a_policy_other_than_connect_src_is_refused():
    with pytest.raises(ValueError):
        pin_csp.pin(INDEX, "default-src 'self'")


def test_the_pinned_output_names_the_api_and_the_feed_by_their_urls():
    value = tf.outputs()["dashboard_pinned_csp"]["value"]
    assert "${module.api.url}" in value
    assert "${local.feed_url}" in value
    assert "*" not in value


def test_deploy_pins_index_html_before_uploading_it():
    mk = (INFRA / "infra.mk").read_text()
    upload = mk[mk.index("infra-upload:") :]
    pinned = upload.index("infra/pin_csp.py web/dist/index.html")
    assert pinned < upload.index('s3 sync web/dist "s3://')
    assert re.search(r'pin_csp\.py web/dist/index\.html "\$\$\(out dashboard_pinned_csp\)"', upload)
