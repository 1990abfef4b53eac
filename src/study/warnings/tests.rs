//! Tests of `warnings.rs`.

use super::median_without;

#[test]
fn a_plan_of_a_participant_without_output_is_a_warning() {
    use crate::study::testing::{write, Files, TOML};
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &Files {
            toml: &format!("{TOML}year = 2018\n"),
            participants: "id,name,region,role,stage,output_rub\n\
                           a,A,R,industrial,1,\nb,B,R,industrial,2,100\nc,C,R,industrial,2,0\n",
            products: "id,name,stage,unit\np,P,1,t\n",
            flows: "supplier,consumer,product,quantity,value_rub,year\n\
                    import:CN,b,p,1,10,2018\n",
            specs: None,
        },
    );
    // a: no output_rub and buys nothing (x = 0); c: output_rub 0; b: x = 100.
    std::fs::write(
        dir.path().join("plans.csv"),
        "participant,year,output_rub\na,2020,50\nb,2020,200\nc,2021,10\n",
    )
    .unwrap();
    let s = crate::study::load(dir.path()).unwrap();
    let w: Vec<String> = super::warnings(&s)
        .into_iter()
        .filter(|w| w.starts_with("plans.csv"))
        .collect();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("plan of a for 2020 changes nothing"), "{w:?}");
    assert!(w[1].contains("plan of c for 2021"), "{w:?}");
}

#[test]
fn a_backward_purchase_is_one_warning_whatever_the_suppliers() {
    // `a` (stage 1) buys the stage-3 product `p` from abroad, at home and from `c`.
    let s = crate::study::testing::study_from(
        &[("a", "industrial", "1"), ("c", "industrial", "1")],
        &[("p", "3")],
        &[
            ("import:DE", "a", "p", 1.0, 10.0),
            ("domestic", "a", "p", 1.0, 10.0),
            ("c", "a", "p", 1.0, 10.0),
        ],
    );
    let w = super::warnings(&s);
    let against: Vec<&String> = w.iter().filter(|l| l.contains("stage order")).collect();
    assert_eq!(against.len(), 1, "{w:?}");
    assert!(
        against[0].contains("a (stage 1) buys p of stage 3"),
        "{w:?}"
    );
}

#[test]
fn median_without_matches_removing_one() {
    let cases: [&[f64]; 4] = [
        &[1.0, 2.0],
        &[1.0, 2.0, 3.0],
        &[1.0, 1.0, 5.0, 9.0],
        &[2.0, 2.0, 2.0, 7.0, 8.0],
    ];
    for sorted in cases {
        for (i, &x) in sorted.iter().enumerate() {
            let mut others = sorted.to_vec();
            others.remove(i);
            let m = others.len();
            let expected = if m % 2 == 1 {
                others[m / 2]
            } else {
                (others[m / 2 - 1] + others[m / 2]) / 2.0
            };
            assert_eq!(
                median_without(sorted, x),
                expected,
                "{sorted:?} without {x}"
            );
        }
    }
}
