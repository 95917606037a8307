"""The DynamoDB table in Terraform is the one the store's code declares (layout.rs, dynamodb.rs)."""

import pytest

import rust_source
import terraform_source as tf


@pytest.fixture(scope="module")
def table() -> dict:
    root = tf.load()
    (block,) = [b for b in root.modules() if b.body["source"] == "./modules/table"]
    (resource,) = root.child(block).resources("aws_dynamodb_table")
    return resource.body


@pytest.fixture(scope="module")
def code() -> rust_source.Table:
    return rust_source.table_layout()


def test_keys(table, code):
    assert (table["hash_key"], table["range_key"]) == (code.hash_key, code.range_key)


def test_attribute_definitions(table, code):
    attributes = {a["name"]: a["type"] for a in tf.as_list(table["attribute"])}
    assert attributes == code.attributes


def test_global_secondary_indexes(table, code):
    indexes = tf.as_list(table.get("global_secondary_index"))
    assert [
        (i["name"], i["hash_key"], i["range_key"], i["projection_type"]) for i in indexes
    ] == [(code.index_name, code.index_hash_key, code.index_range_key, code.index_projection)]


def test_ttl(table, code):
    ttl = tf.as_list(table.get("ttl"))
    enabled = [t["attribute_name"] for t in ttl if t.get("enabled", True) is True]
    assert enabled == ([code.ttl_attribute] if code.ttl_attribute else [])


def test_billing_and_stream(table, code):
    assert table["billing_mode"] == code.billing_mode
    assert table["stream_enabled"] is True
    assert table["stream_view_type"] == code.stream_view_type


def test_stream_carries_what_the_publisher_reads(table):
    """functions/src/publisher.rs reads /dynamodb/NewImage: the stream must include new images."""
    publisher = (rust_source.FUNCTIONS / "publisher.rs").read_text()
    assert "/dynamodb/NewImage" in publisher
    assert table["stream_view_type"] in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")


def test_durability_and_encryption(table):
    assert tf.as_list(table["point_in_time_recovery"])[0]["enabled"] is True
    sse = tf.as_list(table["server_side_encryption"])[0]
    assert sse["enabled"] is True and sse["kms_key_arn"]
