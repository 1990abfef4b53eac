//! Registry compliance with Government Decree No. 779 (SPEC "Registry compliance").

use crate::study::{ComplianceThresholds, Role, Study};
use serde::{Serialize, Serializer};

/// The criterion ids in the order of SPEC's compliance table (and of `Compliance::criteria`).
pub const CRITERIA: [&str; 8] = [
    "industrial_count",
    "final_producer",
    "education",
    "infrastructure_objects",
    "governance",
    "hp_jobs",
    "supplier_share_each",
    "cooperation",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
}

/// What a criterion measured (compliance.json writes it as a number, null or an object).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Measured {
    /// Participants of a role.
    Count(u64),
    /// A share (0.7 = 70 %).
    Share(f64),
    /// Industrial participants that sell less than the minimum share inside the cluster.
    Below(u64),
    /// The data needed are missing.
    Unknown,
    Cooperation(CooperationShares),
}

/// Cooperation's two options (Decree 779): A for the industrial participants' sales inside
/// the cluster, B for the final producers' purchases; each a share (none without the data or
/// the participants), the participants below the minimum, and whether the option passes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CooperationShares {
    pub a: Option<f64>,
    pub a_below: usize,
    pub a_pass: bool,
    pub b: Option<f64>,
    pub b_below: usize,
    pub b_pass: bool,
}

/// What a criterion requires.
#[derive(Debug, Clone, PartialEq)]
pub enum Threshold {
    /// At least this many participants.
    AtLeast(u64),
    /// A share of at least this.
    ShareAtLeast(f64),
    /// No participant below (every industrial participant sells its minimum share).
    NoneBelow,
    /// Each option's share at least `share_min`, with at most `below_max` of its participants
    /// below it.
    Cooperation { share_min: f64, below_max: f64 },
}

/// As compliance.json has always written it: a number, or `{"below_max", "share_min"}`.
impl Serialize for Threshold {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Coop {
            below_max: f64,
            share_min: f64,
        }
        match *self {
            Threshold::AtLeast(n) => s.serialize_u64(n),
            Threshold::ShareAtLeast(x) => s.serialize_f64(x),
            Threshold::NoneBelow => s.serialize_u64(0),
            Threshold::Cooperation {
                share_min,
                below_max,
            } => Coop {
                below_max,
                share_min,
            }
            .serialize(s),
        }
    }
}

impl Measured {
    /// The share measured, for a share criterion.
    pub fn share(&self) -> Option<f64> {
        match self {
            Measured::Share(x) => Some(*x),
            _ => None,
        }
    }

    /// Cooperation's options, for the cooperation criterion.
    pub fn cooperation(&self) -> Option<&CooperationShares> {
        match self {
            Measured::Cooperation(c) => Some(c),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub id: &'static str,
    pub status: Status,
    pub value: Measured,
    pub threshold: Threshold,
    pub detail: String,
    /// Ids of the participants behind a failure (or missing the data for an unknown).
    pub participants: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotChecked {
    pub id: &'static str,
    pub requirement: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub overall: Status,
    pub criteria: Vec<Criterion>,
    pub not_checked: Vec<NotChecked>,
    pub thresholds: ComplianceThresholds,
}

/// Per-participant sums over the selected year's flows, by participant index.
pub struct Totals {
    /// Value of flows from j (to participants: every consumer is one).
    pub sales: Vec<f64>,
    /// Value of all flows into j.
    pub purchases: Vec<f64>,
    /// Value of flows into j from participants.
    pub cluster_purchases: Vec<f64>,
    /// Value of flows into j from `import:*`.
    pub imports: Vec<f64>,
}

impl Totals {
    pub fn of(study: &Study) -> Totals {
        let n = study.participants.len();
        let mut t = Totals {
            sales: vec![0.0; n],
            purchases: vec![0.0; n],
            cluster_purchases: vec![0.0; n],
            imports: vec![0.0; n],
        };
        let flows = &study.flows;
        for (k, (&c, &v)) in flows.consumers().iter().zip(flows.values_rub()).enumerate() {
            let c = c as usize;
            t.purchases[c] += v;
            if let Some(s) = flows.supplying_participant(k) {
                t.sales[s] += v;
                t.cluster_purchases[c] += v;
            } else if flows.is_import(k) {
                t.imports[c] += v;
            }
        }
        t
    }
}

fn share(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        0.0
    } else {
        part / whole
    }
}

/// "At most `max` of n": whole-number comparison so that 0.3 means `below * 10 <= n * 3`.
fn at_most(below: usize, n: usize, max: f64) -> bool {
    let per_mille = (max * 1000.0).round() as u128;
    (below as u128) * 1000 <= (n as u128) * per_mille
}

fn count_criterion(id: &'static str, count: usize, min: u64, what: &str) -> Criterion {
    let status = if count as u64 >= min {
        Status::Pass
    } else {
        Status::Fail
    };
    Criterion {
        id,
        status,
        value: Measured::Count(count as u64),
        threshold: Threshold::AtLeast(min),
        detail: format!("{count} {what}; at least {min} required"),
        participants: vec![],
    }
}

fn ids(study: &Study, list: &[usize]) -> String {
    id_list(study, list).join(", ")
}

fn id_list(study: &Study, list: &[usize]) -> Vec<String> {
    list.iter()
        .map(|&i| study.participants[i].id.clone())
        .collect()
}

/// Cooperation figures, also used by `whatif`.
#[derive(Debug, Clone, Serialize)]
pub struct Cooperation {
    /// Option A: share of the industrial participants' output sold inside the cluster;
    /// `None` when an industrial participant lacks `output_rub`.
    pub a: Option<f64>,
    pub a_below: Vec<usize>,
    pub a_pass: bool,
    /// Option B: share of the final producers' purchases bought inside the cluster.
    pub b: Option<f64>,
    pub b_below: Vec<usize>,
    pub b_pass: bool,
}

pub fn cooperation(study: &Study, t: &Totals, th: &ComplianceThresholds) -> Cooperation {
    let of_role = |r: Role| -> Vec<usize> {
        (0..study.participants.len())
            .filter(|&i| study.participants[i].role == r)
            .collect()
    };
    let industrial = of_role(Role::Industrial);
    let finals = of_role(Role::FinalProducer);

    let computable = industrial
        .iter()
        .all(|&i| study.participants[i].output_rub.is_some());
    let (mut a, mut a_below, mut a_pass) = (None, Vec::new(), false);
    if computable {
        let out = |i: usize| study.participants[i].output_rub.unwrap_or(0.0);
        let total_out: f64 = industrial.iter().map(|&i| out(i)).sum();
        let total_sales: f64 = industrial.iter().map(|&i| t.sales[i]).sum();
        a_below = industrial
            .iter()
            .copied()
            .filter(|&i| share(t.sales[i], out(i)) < th.cooperation_share_min)
            .collect();
        let value = share(total_sales, total_out);
        a = Some(value);
        a_pass = !industrial.is_empty()
            && total_out > 0.0
            && value >= th.cooperation_share_min
            && at_most(a_below.len(), industrial.len(), th.cooperation_below_max);
    }
    let total_p: f64 = finals.iter().map(|&f| t.purchases[f]).sum();
    let total_c: f64 = finals.iter().map(|&f| t.cluster_purchases[f]).sum();
    let b_below: Vec<usize> = finals
        .iter()
        .copied()
        .filter(|&f| share(t.cluster_purchases[f], t.purchases[f]) < th.cooperation_share_min)
        .collect();
    let b = (!finals.is_empty()).then(|| share(total_c, total_p));
    let b_pass = b.is_some_and(|b| b >= th.cooperation_share_min)
        && at_most(b_below.len(), finals.len(), th.cooperation_below_max);
    Cooperation {
        a,
        a_below,
        a_pass,
        b,
        b_below,
        b_pass,
    }
}

pub fn compliance(study: &Study, t: &Totals) -> Compliance {
    let th = &study.config.compliance;
    let p = &study.participants;
    let count = |f: &dyn Fn(Role) -> bool| p.iter().filter(|x| f(x.role)).count();
    let mut criteria = vec![
        count_criterion(
            "industrial_count",
            count(&|r| matches!(r, Role::Industrial | Role::FinalProducer)),
            th.industrial_count_min,
            "industrial participants and final producers",
        ),
        count_criterion(
            "final_producer",
            count(&|r| r == Role::FinalProducer),
            th.final_producer_min,
            "final producers",
        ),
        count_criterion(
            "education",
            count(&|r| r == Role::Education),
            th.education_min,
            "educational institutions",
        ),
        count_criterion(
            "infrastructure_objects",
            count(&|r| r == Role::Infrastructure),
            th.infrastructure_objects_min,
            "infrastructure objects",
        ),
    ];

    // Governance: an empty cell counts as false; without the column it cannot be known.
    let members: Vec<usize> = (0..p.len())
        .filter(|&i| p[i].role != Role::SpecializedOrg)
        .collect();
    criteria.push(if study.has_governance_column {
        let outside: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| p[i].in_governance != Some(true))
            .collect();
        let value = share((members.len() - outside.len()) as f64, members.len() as f64);
        Criterion {
            id: "governance",
            status: if value >= th.governance_share_min {
                Status::Pass
            } else {
                Status::Fail
            },
            value: Measured::Share(value),
            threshold: Threshold::ShareAtLeast(th.governance_share_min),
            detail: if outside.is_empty() {
                "every participant sits in the governing bodies".into()
            } else {
                format!("not in the governing bodies: {}", ids(study, &outside))
            },
            participants: id_list(study, &outside),
        }
    } else {
        Criterion {
            id: "governance",
            status: Status::Unknown,
            value: Measured::Unknown,
            threshold: Threshold::ShareAtLeast(th.governance_share_min),
            detail: "participants.csv has no in_governance column".into(),
            participants: vec![],
        }
    });

    let with_jobs: Vec<usize> = (0..p.len())
        .filter(|&i| p[i].employees.is_some() && p[i].hp_jobs.is_some())
        .collect();
    criteria.push(if with_jobs.is_empty() {
        Criterion {
            id: "hp_jobs",
            status: Status::Unknown,
            value: Measured::Unknown,
            threshold: Threshold::ShareAtLeast(th.hp_jobs_share_min),
            detail: "no participant has both employees and hp_jobs".into(),
            participants: vec![],
        }
    } else {
        let hp: u64 = with_jobs.iter().map(|&i| p[i].hp_jobs.unwrap_or(0)).sum();
        let all: u64 = with_jobs.iter().map(|&i| p[i].employees.unwrap_or(0)).sum();
        let value = share(hp as f64, all as f64);
        Criterion {
            id: "hp_jobs",
            status: if value >= th.hp_jobs_share_min {
                Status::Pass
            } else {
                Status::Fail
            },
            value: Measured::Share(value),
            threshold: Threshold::ShareAtLeast(th.hp_jobs_share_min),
            detail: format!(
                "{hp} high-productivity jobs of {all}, over {} participants with both figures",
                with_jobs.len()
            ),
            participants: vec![],
        }
    });

    let industrial: Vec<usize> = (0..p.len())
        .filter(|&i| p[i].role == Role::Industrial)
        .collect();
    let missing: Vec<usize> = industrial
        .iter()
        .copied()
        .filter(|&i| p[i].output_rub.is_none())
        .collect();
    criteria.push(if !missing.is_empty() {
        Criterion {
            id: "supplier_share_each",
            status: Status::Unknown,
            value: Measured::Unknown,
            threshold: Threshold::NoneBelow,
            detail: format!("output_rub missing for: {}", ids(study, &missing)),
            participants: id_list(study, &missing),
        }
    } else {
        let below: Vec<usize> = industrial
            .iter()
            .copied()
            .filter(|&i| share(t.sales[i], p[i].output_rub.unwrap_or(0.0)) < th.supplier_share_min)
            .collect();
        Criterion {
            id: "supplier_share_each",
            status: if below.is_empty() { Status::Pass } else { Status::Fail },
            value: Measured::Below(below.len() as u64),
            threshold: Threshold::NoneBelow,
            detail: if below.is_empty() {
                format!(
                    "every industrial participant sells at least {} of its output inside the cluster",
                    th.supplier_share_min
                )
            } else {
                format!(
                    "industrial participants selling under {} of their output inside the cluster: {}",
                    th.supplier_share_min,
                    ids(study, &below)
                )
            },
            participants: id_list(study, &below),
        }
    });

    let c = cooperation(study, t, th);
    let status = if c.a_pass || c.b_pass {
        Status::Pass
    } else if c.a.is_none() {
        Status::Unknown
    } else {
        Status::Fail
    };
    let mut detail = Vec::new();
    match c.a {
        None => detail.push(format!(
            "option A unknown: output_rub missing for {}",
            ids(study, &missing)
        )),
        Some(_) if !c.a_below.is_empty() => detail.push(format!(
            "industrial participants selling under {} inside the cluster: {}",
            th.cooperation_share_min,
            ids(study, &c.a_below)
        )),
        Some(_) => {}
    }
    if !c.b_below.is_empty() {
        detail.push(format!(
            "final producers buying under {} inside the cluster: {}",
            th.cooperation_share_min,
            ids(study, &c.b_below)
        ));
    }
    if c.b.is_none() {
        detail.push("option B: no final producer".into());
    }
    criteria.push(Criterion {
        id: "cooperation",
        status,
        value: Measured::Cooperation(CooperationShares {
            a: c.a,
            a_below: c.a_below.len(),
            a_pass: c.a_pass,
            b: c.b,
            b_below: c.b_below.len(),
            b_pass: c.b_pass,
        }),
        threshold: Threshold::Cooperation {
            share_min: th.cooperation_share_min,
            below_max: th.cooperation_below_max,
        },
        detail: detail.join("; "),
        participants: if status == Status::Pass {
            vec![]
        } else {
            let mut all = id_list(study, if c.a.is_none() { &missing } else { &c.a_below });
            all.extend(id_list(study, &c.b_below));
            all
        },
    });

    let overall = if criteria.iter().any(|c| c.status == Status::Fail) {
        Status::Fail
    } else if criteria.iter().any(|c| c.status == Status::Unknown) {
        Status::Unknown
    } else {
        Status::Pass
    };
    Compliance {
        overall,
        criteria,
        not_checked: vec![
            NotChecked {
                id: "territory",
                requirement: "the cluster is on the territory of one or more subjects of the Russian Federation",
            },
            NotChecked {
                id: "strategy",
                requirement: "creation and development follow the spatial development strategy and the territorial planning schemes",
            },
        ],
        thresholds: th.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_thresholds_keep_their_json_shape() {
        fn json(v: &impl Serialize) -> String {
            serde_json::to_string(v).unwrap()
        }
        assert_eq!(json(&Measured::Count(3)), "3");
        assert_eq!(json(&Measured::Share(0.25)), "0.25");
        assert_eq!(json(&Measured::Unknown), "null");
        assert_eq!(
            json(&Measured::Cooperation(CooperationShares {
                a: None,
                a_below: 2,
                a_pass: false,
                b: Some(0.5),
                b_below: 0,
                b_pass: true,
            })),
            r#"{"a":null,"a_below":2,"a_pass":false,"b":0.5,"b_below":0,"b_pass":true}"#
        );
        assert_eq!(json(&Threshold::AtLeast(3)), "3");
        assert_eq!(json(&Threshold::ShareAtLeast(1.0)), "1.0");
        assert_eq!(json(&Threshold::NoneBelow), "0");
        assert_eq!(
            json(&Threshold::Cooperation {
                share_min: 0.2,
                below_max: 0.3
            }),
            r#"{"below_max":0.3,"share_min":0.2}"#
        );
    }
}
