//! Counting items for quotas ([`Kv::count`]).

use super::*;
use switchyard_core::store::{Cond, Item, Op};

fn put(pk: &str, sk: &str) -> Op {
    Op::Put {
        item: Item {
            pk: pk.into(),
            sk: sk.into(),
            g1: None,
            v: 1,
            d: json!({}),
            ttl: None,
        },
        cond: Cond::Absent,
    }
}

pub async fn counting_stops_at_its_limit_and_stays_in_its_prefix(h: Harness) {
    let kv = h.store.kv();
    let mut ops: Vec<Op> = (0..5)
        .map(|i| put("PROJECT#p", &format!("FLAG#f{i}")))
        .collect();
    ops.push(put("PROJECT#p", "SEGMENT#s"));
    ops.push(put("PROJECT#q", "FLAG#f0"));
    kv.transact(ops).await.unwrap();
    assert_eq!(kv.count("PROJECT#p", "FLAG#", 100).await.unwrap(), 5);
    assert_eq!(kv.count("PROJECT#p", "FLAG#", 3).await.unwrap(), 3);
    assert_eq!(kv.count("PROJECT#p", "SEGMENT#", 100).await.unwrap(), 1);
    assert_eq!(kv.count("PROJECT#q", "FLAG#", 100).await.unwrap(), 1);
    assert_eq!(kv.count("PROJECT#r", "FLAG#", 100).await.unwrap(), 0);
}
