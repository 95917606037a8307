# The single table, exactly as core/src/store/layout.rs and core/src/store/dynamodb.rs declare it
# (infra/tests/test_table.py proves it): string keys pk/sk, the gsi1 index on g1pk/g1sk projecting
# every attribute, on-demand billing, a stream of new images for the change publisher, and TTL on
# the attribute `ttl` (Unix seconds; analytics counters and change records with their index items
# carry it, from the organization's retention settings, so old hours and old audit records expire by
# themselves).

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = true
  stream_view_type            = "NEW_IMAGE"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "g1pk"
    type = "S"
  }

  attribute {
    name = "g1sk"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi1"
    hash_key        = "g1pk"
    range_key       = "g1sk"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}
