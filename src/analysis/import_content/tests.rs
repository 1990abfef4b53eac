//! Tests of `import_content.rs`.

use super::*;
use crate::study::testing::study_from;
use crate::study::Source;

fn shares(s: &Study) -> Vec<(String, f64, f64)> {
    import_content(s, &Totals::of(s))
        .unwrap()
        .into_iter()
        .map(|r| (r.participant, r.direct_import_share, r.total_import_share))
        .collect()
}

#[test]
fn chain_accumulates_imports_upstream() {
    // a imports 50 of its 100 purchases and sells 100 to b, which buys nothing else:
    // x_a = 100 (estimated), m_a = 0.5; x_b = 100, A_ab = 1, m_b = 0, total_b = 0.5.
    let s = study_from(
        &[("a", "industrial", "1"), ("b", "industrial", "2")],
        &[("p", "1"), ("q", "2")],
        &[
            ("import:CN", "a", "p", 1.0, 50.0),
            ("domestic", "a", "p", 1.0, 50.0),
            ("a", "b", "q", 1.0, 100.0),
        ],
    );
    assert_eq!(
        shares(&s),
        vec![("a".into(), 0.5, 0.5), ("b".into(), 0.0, 0.5)]
    );
}

#[test]
fn dense_and_iterative_agree() {
    let s = study_from(
        &[
            ("a", "industrial", "1"),
            ("b", "industrial", "2"),
            ("c", "industrial", "3"),
        ],
        &[("p", "1")],
        &[
            ("import:CN", "a", "p", 1.0, 30.0),
            ("domestic", "a", "p", 1.0, 70.0),
            ("a", "b", "p", 1.0, 40.0),
            ("b", "a", "p", 1.0, 10.0),
            ("import:DE", "b", "p", 1.0, 20.0),
            ("domestic", "b", "p", 1.0, 40.0),
            ("b", "c", "p", 1.0, 30.0),
            ("domestic", "c", "p", 1.0, 30.0),
        ],
    );
    let t = Totals::of(&s);
    let n = s.participants.len();
    let x: Vec<f64> = (0..n).map(|j| t.purchases[j]).collect();
    let mut triples = Vec::new();
    for f in s.flows.iter() {
        if let Source::Participant(i) = f.supplier {
            triples.push((f.consumer as u32, i as u32, f.value_rub / x[f.consumer]));
        }
    }
    triples.sort_by_key(|t| (t.0, t.1));
    let cols = Csr::from_sorted(n, &triples);
    let m: Vec<f64> = (0..n).map(|j| t.imports[j] / x[j]).collect();
    let d = factor(&cols).unwrap().solve(&m, Direction::Row);
    let it = iterate(&cols, &m).unwrap();
    for (a, b) in d.iter().zip(&it) {
        assert!((a - b).abs() < 1e-12, "{d:?} vs {it:?}");
    }
    // The column system, exactly and by iteration over the transposed lists.
    let f = vec![10.0, -3.0, 7.0];
    let d = factor(&cols).unwrap().solve(&f, Direction::Column);
    let it = iterate(&cols.transpose(), &f).unwrap();
    for (a, b) in d.iter().zip(&it) {
        assert!((a - b).abs() < 1e-9, "{d:?} vs {it:?}");
    }
    // (I - A) x = f holds.
    for i in 0..n {
        let ax: f64 = (0..n)
            .map(|j| {
                cols.row(j)
                    .filter(|c| c.0 == i)
                    .map(|c| c.1 * d[j])
                    .sum::<f64>()
            })
            .sum();
        assert!((d[i] - ax - f[i]).abs() < 1e-9, "row {i}: {d:?}");
    }
}

#[test]
fn closed_cycle_is_a_data_error_naming_it() {
    // a and b buy only from each other: x = purchases, A has column sums 1: singular.
    let s = study_from(
        &[
            ("a", "industrial", "1"),
            ("b", "industrial", "2"),
            ("c", "industrial", "2"),
        ],
        &[("p", "1")],
        &[
            ("a", "b", "p", 1.0, 10.0),
            ("b", "a", "p", 1.0, 10.0),
            ("import:CN", "c", "p", 1.0, 1.0),
        ],
    );
    let Err(Error::Data(p)) = import_content(&s, &Totals::of(&s)) else {
        panic!("expected a data error")
    };
    assert!(p[0].message.contains("participants a, b "), "{p:?}");
}
