use super::*;
use crate::graph::SupplyGraph;
use std::path::Path;

fn analysis(study: &str) -> Analysis {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(study);
    let s = crate::study::load(&dir).expect("sample study loads");
    crate::analysis::analyze(&s, &SupplyGraph::build(&s)).expect("sample study analyses")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

/// With NICHEGRAPH_CHART_DIR set, writes the charts there to look at.
fn dump(charts: &[Chart], sub: &str) {
    if let Ok(dir) = std::env::var("NICHEGRAPH_CHART_DIR") {
        let dir = Path::new(&dir).join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        for c in charts {
            std::fs::write(dir.join(format!("{}.png", c.name)), &c.png).unwrap();
            std::fs::write(dir.join(format!("{}.svg", c.name)), &c.svg).unwrap();
        }
    }
}

const NAMES: [&str; 6] = [
    "functional_map",
    "niches",
    "demand_outlook",
    "demand_sources",
    "compliance",
    "hidden_imports",
];

fn check(study: &str, lang: Lang, cyrillic: &str) {
    let a = analysis(study);
    let charts = render_all(&a, lang).expect("charts render");
    assert_eq!(charts.iter().map(|c| c.name).collect::<Vec<_>>(), NAMES);
    dump(&charts, &format!("{study}-{lang:?}"));
    for c in &charts {
        let (w, h) = png_size(&c.png);
        assert!(w >= 1200 && h >= 400, "{}: {w}x{h}", c.name);
        let svg = std::str::from_utf8(&c.svg).expect("SVG is UTF-8");
        assert!(
            svg.starts_with("<svg") && svg.contains("<text"),
            "{}",
            c.name
        );
        assert!(!c.title.is_empty());
    }
    let map = std::str::from_utf8(&charts[0].svg).unwrap();
    assert!(map.contains(cyrillic), "the map names {cyrillic}");
    // Same input, same bytes.
    let again = render_all(&a, lang).unwrap();
    for (x, y) in charts.iter().zip(&again) {
        assert!(x.svg == y.svg, "{}: SVG differs between runs", x.name);
        assert!(x.png == y.png, "{}: PNG differs between runs", x.name);
    }
}

#[test]
fn composites_in_russian() {
    check("composites-without-borders", Lang::Ru, "Аргон");
}

#[test]
fn composites_in_english() {
    check("composites-without-borders", Lang::En, "Аргон");
}

#[test]
fn auto_components_in_russian() {
    check("auto-components", Lang::Ru, "Волга-Мотор");
}

#[test]
fn auto_components_in_english() {
    check("auto-components", Lang::En, "Волга-Мотор");
}

#[test]
fn titles_follow_the_language() {
    let a = analysis("composites-without-borders");
    let ru = render_all(&a, Lang::Ru).unwrap();
    let en = render_all(&a, Lang::En).unwrap();
    assert!(std::str::from_utf8(&ru[0].svg).unwrap().contains("передел"));
    assert!(std::str::from_utf8(&en[0].svg).unwrap().contains("Stage 1"));
    assert_ne!(ru[1].title, en[1].title);
}

#[test]
fn unusual_and_missing_data_render() {
    use crate::analysis::{Flag, Link, Status};
    let mut a = analysis("composites-without-borders");
    // Several flags on one niche, unknown compliance, a flow within a stage and a backward one.
    a.niches[0].need.flags = vec![Flag::Import, Flag::Cost, Flag::Spec];
    for c in &mut a.compliance.criteria {
        c.value = crate::analysis::compliance::Measured::Unknown;
        c.status = Status::Unknown;
    }
    a.compliance.overall = Status::Unknown;
    for (s, c, v) in [
        ("itecma", "prepreg-dubna", 5e7),
        ("okb-simonov", "argon", 1e7),
    ] {
        a.links.push(Link {
            supplier: s.into(),
            consumer: c.into(),
            value_rub: v,
        });
    }
    let charts = render_all(&a, Lang::Ru).unwrap();
    assert_eq!(charts.len(), 6);
    dump(&charts, "unusual");
    // Nothing at all.
    a.niches.clear();
    a.needs.clear();
    a.chain.clear();
    a.links.clear();
    a.import_content.clear();
    a.compliance.criteria.clear();
    let charts = render_all(&a, Lang::En).unwrap();
    assert_eq!(charts.len(), 6);
    for c in &charts {
        assert!(png_size(&c.png).0 >= 1200, "{}", c.name);
    }
    dump(&charts, "empty");
}

#[test]
fn a_large_cluster_renders() {
    use crate::analysis::Link;
    let mut a = analysis("auto-components");
    let base = a.chain.clone();
    for k in 1..8 {
        for m in &base {
            let mut m = m.clone();
            m.id = format!("{}-{k}", m.id);
            m.name = format!("{} {k}", m.name);
            a.chain.push(m);
        }
    }
    let links = a.links.clone();
    for k in 1..8 {
        for l in &links {
            let id = |s: &str| {
                if s.starts_with("import:") || s == "domestic" {
                    s.to_string()
                } else {
                    format!("{s}-{k}")
                }
            };
            a.links.push(Link {
                supplier: id(&l.supplier),
                consumer: id(&l.consumer),
                value_rub: l.value_rub * k as f64,
            });
        }
    }
    let t = std::time::Instant::now();
    let charts = render_all(&a, Lang::Ru).unwrap();
    eprintln!(
        "large: {:?}, map {:?}",
        t.elapsed(),
        png_size(&charts[0].png)
    );
    dump(&charts, "large");
}
