//! `maillage demo --firms N --seed S`: a reproducible demonstration population.
//!
//! Firms are placed in real communes, 80 % of them in Territoires d'industrie, with each
//! territory's known industrial identity where there is one (plastics around Oyonnax, bar
//! turning in the Arve valley, aeronautics around Figeac...), otherwise a mix weighted like
//! French manufacturing. Everything generated is flagged `is_demo` and shown with a badge.
//! Rows stream to the database in batches, so memory stays flat up to a million firms.

use crate::db::{self, fetch_all, fetch_count};
use anyhow::Context;
use app::domain::ids::{InseeCode, NafCode, Siret};
use app::domain::organisation::{FirmRecord, SiteRecord, SiteStatus};
use clap::Args;
use sea_orm::{DatabaseConnection, FromQueryResult, TransactionTrait};
use std::collections::HashMap;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of firms to generate.
    #[arg(long, default_value_t = 20_000)]
    pub firms: u64,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of demonstration fiches-actions (ten per territory, in as many territories as
    /// needed, the Arve valley excepted).
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub sheets: u64,
    /// Do nothing if the database already holds firms (first start only).
    #[arg(long)]
    pub if_empty: bool,
}

/// SplitMix64: small, fast, and reproducible across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| *w).sum();
        let mut x = (self.next() % u64::from(total.max(1))) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[0].0
    }
}

/// Industrial identities of some territories: NAF sub-classes and their weights.
const IDENTITIES: &[(&str, &[(&str, u32)])] = &[
    (
        "ti-8413",
        &[
            ("22.29A", 30),
            ("22.29B", 20),
            ("25.73A", 25),
            ("22.21Z", 10),
            ("28.96Z", 8),
        ],
    ),
    (
        "ti-8422",
        &[
            ("25.62A", 50),
            ("25.62B", 25),
            ("25.61Z", 8),
            ("28.41Z", 7),
            ("26.51B", 5),
        ],
    ),
    (
        "ti-7603",
        &[
            ("30.30Z", 35),
            ("25.62B", 25),
            ("28.15Z", 10),
            ("25.61Z", 8),
            ("33.16Z", 10),
        ],
    ),
    (
        "ti-2706",
        &[
            ("32.50B", 35),
            ("22.29A", 20),
            ("32.40Z", 10),
            ("25.62B", 15),
        ],
    ),
    (
        "ti-2708",
        &[
            ("29.32Z", 30),
            ("29.10Z", 10),
            ("27.11Z", 15),
            ("28.11Z", 10),
            ("25.62B", 15),
        ],
    ),
    (
        "ti-8408",
        &[
            ("25.71Z", 45),
            ("25.62B", 15),
            ("25.61Z", 10),
            ("22.29A", 10),
        ],
    ),
    (
        "ti-5214",
        &[
            ("30.11Z", 30),
            ("30.30Z", 20),
            ("25.11Z", 15),
            ("33.15Z", 15),
        ],
    ),
    (
        "ti-7510",
        &[
            ("20.14Z", 25),
            ("20.16Z", 15),
            ("30.30Z", 20),
            ("25.62B", 10),
        ],
    ),
    (
        "ti-4415",
        &[
            ("14.39Z", 30),
            ("13.91Z", 20),
            ("14.14Z", 15),
            ("13.30Z", 10),
        ],
    ),
    ("ti-4410", &[("11.02A", 60), ("17.21A", 10), ("28.93Z", 10)]),
    (
        "ti-7502",
        &[
            ("11.01Z", 40),
            ("17.21B", 10),
            ("27.12Z", 15),
            ("23.13Z", 10),
        ],
    ),
    (
        "ti-5204",
        &[
            ("15.20Z", 30),
            ("14.13Z", 20),
            ("31.09B", 15),
            ("10.13A", 10),
        ],
    ),
    (
        "ti-3201",
        &[
            ("24.10Z", 25),
            ("20.11Z", 15),
            ("25.11Z", 15),
            ("33.12Z", 15),
        ],
    ),
    (
        "ti-8424",
        &[
            ("24.51Z", 15),
            ("25.50A", 20),
            ("25.62B", 25),
            ("28.41Z", 10),
        ],
    ),
    (
        "ti-7511",
        &[
            ("23.41Z", 30),
            ("27.12Z", 25),
            ("15.11Z", 10),
            ("25.62B", 10),
        ],
    ),
    (
        "ti-8404",
        &[
            ("22.11Z", 40),
            ("25.62B", 15),
            ("21.20Z", 10),
            ("10.51C", 10),
        ],
    ),
];

/// Weights of manufacturing divisions for territories without a listed identity.
const DIVISION_MIX: &[(&str, u32)] = &[
    ("10", 22),
    ("11", 3),
    ("13", 2),
    ("14", 2),
    ("15", 1),
    ("16", 5),
    ("17", 1),
    ("18", 4),
    ("20", 2),
    ("21", 1),
    ("22", 4),
    ("23", 4),
    ("24", 1),
    ("25", 15),
    ("26", 2),
    ("27", 2),
    ("28", 5),
    ("29", 2),
    ("30", 1),
    ("31", 3),
    ("32", 4),
    ("33", 12),
];

/// Know-how, materials and markets typical of a division.
fn vocabulary(
    division: &str,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
) {
    match division {
        "25" | "28" | "33" => (
            &[
                "usinage 5 axes",
                "décolletage",
                "tournage CN",
                "fraisage CN",
                "rectification",
                "tôlerie fine",
                "chaudronnerie",
                "soudure TIG",
                "découpe laser",
                "pliage",
                "traitement de surface",
                "assemblage mécanique",
                "maintenance industrielle",
                "prototypage",
            ],
            &[
                "aluminium",
                "inox",
                "titane",
                "laiton",
                "acier",
                "cuivre",
                "Inconel",
            ],
            &[
                "aéronautique",
                "automobile",
                "médical",
                "énergie",
                "horlogerie",
                "ferroviaire",
                "défense",
                "agroalimentaire",
            ],
        ),
        "22" => (
            &[
                "injection plastique",
                "extrusion",
                "thermoformage",
                "soufflage",
                "moulage par compression",
                "surmoulage",
                "conception de moules",
                "bi-injection",
            ],
            &[
                "polypropylène",
                "PEEK",
                "polyamide",
                "ABS",
                "PET recyclé",
                "silicone",
                "élastomères",
            ],
            &[
                "automobile",
                "cosmétique",
                "médical",
                "emballage",
                "électroménager",
                "bâtiment",
            ],
        ),
        "10" | "11" => (
            &[
                "transformation",
                "conditionnement",
                "surgélation",
                "fermentation",
                "embouteillage",
                "découpe",
                "cuisson",
                "assemblage de produits traiteur",
            ],
            &["lait", "viande", "céréales", "fruits", "vin", "légumes"],
            &[
                "grande distribution",
                "restauration collective",
                "export",
                "circuits courts",
            ],
        ),
        "30" => (
            &[
                "aérostructures",
                "usinage de grandes pièces",
                "assemblage de sous-ensembles",
                "câblage",
                "composites",
                "contrôle non destructif",
            ],
            &["titane", "aluminium", "composites carbone", "Inconel"],
            &["aéronautique", "spatial", "défense", "naval"],
        ),
        "26" | "27" => (
            &[
                "câblage électronique",
                "assemblage de cartes",
                "électronique de puissance",
                "bobinage",
                "tests électriques",
                "conception électronique",
            ],
            &["cuivre", "composants CMS", "semi-conducteurs"],
            &["énergie", "automobile", "industrie", "médical", "défense"],
        ),
        "13" | "14" | "15" => (
            &[
                "tissage",
                "tricotage",
                "confection",
                "ennoblissement",
                "découpe technique",
                "piqûre",
            ],
            &[
                "laine",
                "coton",
                "fibres techniques",
                "cuir",
                "fibres recyclées",
            ],
            &["luxe", "habillement", "textile technique", "ameublement"],
        ),
        "20" | "21" => (
            &[
                "formulation",
                "synthèse",
                "mélange",
                "conditionnement de produits chimiques",
                "analyses",
            ],
            &[
                "solvants",
                "polymères",
                "principes actifs",
                "gaz industriels",
            ],
            &["pharmacie", "cosmétique", "agriculture", "industrie"],
        ),
        "16" | "31" => (
            &[
                "menuiserie industrielle",
                "agencement",
                "sciage",
                "charpente",
                "ébénisterie",
            ],
            &["chêne", "résineux", "panneaux", "bois lamellé"],
            &["bâtiment", "ameublement", "emballage"],
        ),
        _ => (
            &[
                "fabrication",
                "assemblage",
                "contrôle qualité",
                "conditionnement",
                "bureau d'études",
            ],
            &["acier", "verre", "céramique", "papier", "béton"],
            &["industrie", "bâtiment", "distribution", "export"],
        ),
    }
}

const FAMILY_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoit",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "Lopez",
    "Jean",
    "Dupuy",
];

fn trade_word(division: &str) -> &'static [&'static str] {
    match division {
        "25" => &[
            "Mécanique",
            "Décolletage",
            "Usinage",
            "Tôlerie",
            "Chaudronnerie",
            "Précision",
        ],
        "28" => &["Machines", "Équipements", "Automatismes", "Mécanique"],
        "33" => &["Maintenance", "Services Industriels", "Réparation"],
        "22" => &["Plasturgie", "Plastiques", "Moulage", "Injection"],
        "10" => &[
            "Salaisons",
            "Conserverie",
            "Laiterie",
            "Boulangerie Industrielle",
            "Traiteur",
        ],
        "11" => &["Distillerie", "Maison", "Brasserie", "Caves"],
        "30" => &["Aéro", "Aérostructures", "Aéromécanique"],
        "26" | "27" => &["Électronique", "Électrotechnique", "Câblage"],
        "13" | "14" => &["Textiles", "Tissages", "Confection", "Bonneterie"],
        "15" => &["Maroquinerie", "Chaussures", "Cuirs"],
        "20" | "21" => &["Chimie", "Laboratoires", "Formulations"],
        "16" | "31" => &["Menuiserie", "Bois", "Agencement"],
        "24" => &["Fonderie", "Forges", "Aciéries"],
        "23" => &["Céramiques", "Verrerie", "Matériaux"],
        "32" => &["Lunetterie", "Manufacture", "Créations"],
        _ => &["Industrie", "Manufacture", "Fabrication"],
    }
}

#[derive(FromQueryResult)]
struct CommuneRow {
    insee: String,
    name: String,
    territory_id: Option<String>,
    population: i64,
}

#[derive(FromQueryResult)]
struct NafRow {
    code: String,
}

/// The `i`-th demo SIRET for a seed: distinct for distinct `i` below 10^8, Luhn-valid.
fn demo_siret(seed: u64, i: u64) -> Option<Siret> {
    // 7,919,993 is coprime to 10^8: i -> base is a bijection on 8-digit numbers.
    let base = (i
        .wrapping_mul(7_919_993)
        .wrapping_add(seed.wrapping_mul(104_729)))
        % 100_000_000;
    let siren8 = format!("{base:08}");
    let siren = format!("{siren8}{}", app::domain::ids::luhn_check_digit(&siren8));
    if siren == "356000000" {
        return None;
    }
    let nic4 = "0001";
    let partial = format!("{siren}{nic4}");
    Siret::parse(&format!(
        "{partial}{}",
        app::domain::ids::luhn_check_digit(&partial)
    ))
    .ok()
}

struct Generator {
    rng: Rng,
    seed: u64,
    territory_communes: HashMap<String, Vec<(usize, u32)>>,
    territories: Vec<(String, u32)>,
    other_communes: Vec<(usize, u32)>,
    communes: Vec<CommuneRow>,
    subclasses: HashMap<String, Vec<String>>,
}

fn population_weight(p: i64) -> u32 {
    // Square root: towns weigh more than villages, without cities taking everything.
    ((p.max(1) as f64).sqrt() as u32).max(1)
}

impl Generator {
    fn commune(&mut self) -> usize {
        if self.rng.chance(0.8) {
            let t = self.rng.weighted(&self.territories).clone();
            *self.rng.weighted(&self.territory_communes[&t])
        } else {
            *self.rng.weighted(&self.other_communes)
        }
    }

    fn naf_for(&mut self, territory: Option<&str>) -> Option<String> {
        if let Some(identity) = territory
            .and_then(|t| IDENTITIES.iter().find(|(id, _)| *id == t))
            .map(|(_, w)| *w)
        {
            if self.rng.chance(0.6) {
                return Some(self.rng.weighted(identity).to_string());
            }
        }
        let division = self.rng.weighted(DIVISION_MIX).to_string();
        let list = self.subclasses.get(&division)?;
        Some(self.rng.pick(list).clone())
    }

    fn firm(&mut self, i: u64) -> Option<FirmRecord> {
        let siret = demo_siret(self.seed, i)?;
        let c = self.commune();
        let (commune_code, commune_name, territory) = {
            let c = &self.communes[c];
            (c.insee.clone(), c.name.clone(), c.territory_id.clone())
        };
        let naf = NafCode::parse(&self.naf_for(territory.as_deref())?).ok()?;
        let division = naf.division().to_owned();
        let (skills, materials, markets) = vocabulary(&division);
        let mut pick_some = |items: &'static [&'static str], n: usize| {
            let mut out: Vec<String> = Vec::new();
            for _ in 0..n * 3 {
                let x = self.rng.pick(items).to_string();
                if !out.contains(&x) {
                    out.push(x);
                }
                if out.len() == n {
                    break;
                }
            }
            out
        };
        let capabilities = pick_some(skills, 2 + (i % 3) as usize);
        let mats = pick_some(materials, 2);
        let mkts = pick_some(markets, 2);
        let mut certifications = Vec::new();
        if self.rng.chance(0.55) {
            certifications.push("ISO 9001".to_owned());
        }
        match division.as_str() {
            "30" if self.rng.chance(0.7) => certifications.push("EN 9100".to_owned()),
            "25" | "28" | "33"
                if mkts.iter().any(|m| m == "aéronautique") && self.rng.chance(0.6) =>
            {
                certifications.push("EN 9100".to_owned())
            }
            "25" | "22" | "29"
                if mkts.iter().any(|m| m == "automobile") && self.rng.chance(0.6) =>
            {
                certifications.push("IATF 16949".to_owned())
            }
            _ => {}
        }
        if mkts.iter().any(|m| m == "médical") && self.rng.chance(0.6) {
            certifications.push("ISO 13485".to_owned());
        }
        if self.rng.chance(0.2) {
            certifications.push("ISO 14001".to_owned());
        }
        let band = *self.rng.weighted(&[
            ("01", 18),
            ("02", 16),
            ("03", 14),
            ("11", 16),
            ("12", 16),
            ("21", 8),
            ("22", 6),
            ("31", 2),
            ("32", 2),
            ("41", 1),
            ("42", 1),
        ]);
        let family = self.rng.pick(FAMILY_NAMES).to_string();
        let trade = self.rng.pick(trade_word(&division)).to_string();
        let form = self.rng.pick(&["SAS", "SARL", "SA", "SAS", ""]).to_string();
        let name = match self.rng.below(4) {
            0 => format!("{trade} {family}"),
            1 => format!("{family} {trade}"),
            2 => format!("{trade} de {commune_name}"),
            _ => format!("{} {trade}", initials(&family, &trade, &commune_name)),
        };
        let name = if form.is_empty() {
            name
        } else {
            format!("{name} {form}")
        };
        let size = match band {
            "01" | "02" | "03" => "très petite entreprise",
            "11" | "12" | "21" | "22" | "31" => "PME",
            _ => "entreprise de taille intermédiaire",
        };
        let description = format!(
            "{size} industrielle implantée à {commune_name}, spécialisée en {} sur {}. Marchés servis : {}.{}",
            capabilities.join(", "),
            mats.join(" et "),
            mkts.join(", "),
            if certifications.is_empty() {
                String::new()
            } else {
                format!(" Certifications : {}.", certifications.join(", "))
            }
        );
        let description = uppercase_first(&description);
        let slug: String = family
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        Some(FirmRecord {
            siret,
            name,
            naf,
            commune: InseeCode::parse(&commune_code).ok()?,
            headcount_band: Some(band.to_owned()),
            description,
            capabilities,
            certifications,
            website: format!("https://{slug}-{}.demo.maillage.example", i),
            email: format!("contact@{slug}-{}.demo.maillage.example", i),
        })
    }

    fn site(&mut self, i: u64) -> Option<SiteRecord> {
        let t = self.rng.weighted(&self.territories).clone();
        let c = &self.communes[*self.rng.weighted(&self.territory_communes[&t])];
        let kind = *self.rng.pick(&[
            "Zone d'activités",
            "Parc industriel",
            "Friche reconvertie",
            "Site clé en main",
        ]);
        let turnkey = kind == "Site clé en main" || self.rng.chance(0.05);
        let area = (self.rng.below(400) as f64 / 10.0 + 0.5).max(0.5);
        let status = *self.rng.weighted(&[
            (SiteStatus::Available, 70),
            (SiteStatus::UnderOption, 20),
            (SiteStatus::Sold, 10),
        ]);
        let price = 10.0 + self.rng.below(60) as f64;
        Some(SiteRecord {
            reference: format!("DEMO-SITE-{}-{i:06}", self.seed),
            name: format!("{kind} de {}", c.name),
            commune: InseeCode::parse(&c.insee).ok()?,
            area_ha: area,
            available_from: Some(format!(
                "{}-{:02}-01",
                2026 + self.rng.below(3),
                1 + self.rng.below(12)
            )),
            status,
            turnkey,
            zoning: self.rng.pick(&["UX", "1AUx", "UI", "AUi"]).to_string(),
            icpe: self.rng.chance(0.6),
            seveso: self.rng.chance(0.1),
            rail: self.rng.chance(0.2),
            port: self.rng.chance(0.05),
            motorway: self.rng.chance(0.5),
            power_mva: Some((1 + self.rng.below(40)) as f64),
            price_min_eur_m2: Some(price),
            price_max_eur_m2: Some(price + 10.0),
            contact_siret: None,
            description: format!(
                "{kind} de {area:.1} ha à {}, viabilisé, zonage dédié aux activités industrielles.",
                c.name
            ),
        })
    }
}

fn initials(a: &str, b: &str, c: &str) -> String {
    [a, b, c]
        .iter()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

fn uppercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Generates and stores the demo population.
pub async fn run(db: &DatabaseConnection, args: DemoArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    if args.if_empty
        && fetch_count(
            db,
            "SELECT COUNT(*) AS n FROM organisation WHERE kind = ?",
            vec![app::domain::organisation::OrganisationKind::Firm
                .code()
                .into()],
        )
        .await?
            > 0
    {
        println!("firms already present: demo data not generated");
        return Ok(());
    }
    let communes: Vec<CommuneRow> = fetch_all(
        db,
        "SELECT insee, name, territory_id, population FROM commune \
         WHERE latitude IS NOT NULL AND zone <> 'com' ORDER BY insee",
        vec![],
    )
    .await?;
    let naf: Vec<NafRow> = fetch_all(
        db,
        "SELECT code FROM naf WHERE level = 'subclass' AND code >= '10' AND code < '34' ORDER BY code",
        vec![],
    )
    .await?;
    let mut subclasses: HashMap<String, Vec<String>> = HashMap::new();
    for n in naf {
        subclasses
            .entry(n.code[..2].to_owned())
            .or_default()
            .push(n.code);
    }
    let mut territory_communes: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
    let mut other_communes = Vec::new();
    let mut territory_weight: HashMap<String, u32> = HashMap::new();
    for (i, c) in communes.iter().enumerate() {
        let w = population_weight(c.population);
        match &c.territory_id {
            Some(t) => {
                territory_communes
                    .entry(t.clone())
                    .or_default()
                    .push((i, w));
                *territory_weight.entry(t.clone()).or_default() += w;
            }
            None => other_communes.push((i, w)),
        }
    }
    let mut territories: Vec<(String, u32)> = territory_weight.into_iter().collect();
    territories.sort();
    let mut generator = Generator {
        rng: Rng(args.seed),
        seed: args.seed,
        territory_communes,
        territories,
        other_communes,
        communes,
        subclasses,
    };

    let bar = super::import::progress_bar(args.firms, "generating firms");
    let mut summary = db::organisations::UpsertSummary::default();
    let mut i = 0u64;
    let batch_size = 5_000u64;
    while i < args.firms {
        let end = (i + batch_size).min(args.firms);
        let batch: Vec<FirmRecord> = (i..end).filter_map(|k| generator.firm(k)).collect();
        let txn = db.begin().await.context("starting a demo batch")?;
        let s = db::organisations::upsert_firms(&txn, &batch, true, &|_| {}).await?;
        txn.commit().await.context("committing a demo batch")?;
        summary.inserted += s.inserted;
        summary.updated += s.updated;
        summary.unchanged += s.unchanged;
        bar.inc(end - i);
        if !console_attended() && (end / batch_size).is_multiple_of(20) {
            eprintln!("  {end}/{} firms", args.firms);
        }
        i = end;
    }
    bar.finish_and_clear();

    let site_count = (args.firms / 100).clamp(20, 5_000);
    let sites: Vec<SiteRecord> = (0..site_count).filter_map(|k| generator.site(k)).collect();
    let txn = db.begin().await.context("starting the land sites batch")?;
    let sites_summary =
        db::organisations::upsert_sites(&txn, &sites, &HashMap::new(), true, &|_| {}).await?;
    // Demonstration proposals once (a second run keeps the first ones).
    let proposals = if fetch_count(
        &txn,
        "SELECT COUNT(*) AS n FROM proposal WHERE is_demo",
        vec![],
    )
    .await?
        == 0
    {
        let rng = &mut generator.rng;
        super::demo_content::generate(&txn, &mut |n| rng.below(n), 40, db::organisations::now())
            .await?
    } else {
        0
    };
    // Demonstration annonces once, posted by demo firms of the Arve valley and Oyonnax.
    let annonces =
        if fetch_count(&txn, "SELECT COUNT(*) AS n FROM need WHERE is_demo", vec![]).await? == 0 {
            #[derive(FromQueryResult)]
            struct Id {
                id: i64,
            }
            let authors: Vec<i64> = fetch_all::<Id>(
                &txn,
                "SELECT o.id FROM organisation o JOIN commune c ON c.insee = o.commune_insee \
             WHERE o.is_demo AND c.territory_id IN ('ti-8422', 'ti-8413') ORDER BY o.id LIMIT 50",
                vec![],
            )
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
            let rng = &mut generator.rng;
            super::demo_content::annonces(
                &txn,
                &mut |n| rng.below(n),
                &authors,
                db::organisations::now(),
            )
            .await?
        } else {
            0
        };
    // Demonstration clusters once, with members among the same territories' demo firms.
    let clusters = if fetch_count(
        &txn,
        "SELECT COUNT(*) AS n FROM organisation WHERE is_demo AND kind = ?",
        vec![app::domain::organisation::OrganisationKind::Cluster
            .code()
            .into()],
    )
    .await?
        == 0
    {
        let rng = &mut generator.rng;
        super::demo_content::clusters(&txn, &mut |n| rng.below(n), db::organisations::now()).await?
    } else {
        0
    };
    // Demonstration fiches-actions and contracts once (by default in a dozen territories).
    let sheets = if fetch_count(
        &txn,
        "SELECT COUNT(*) AS n FROM action_sheet WHERE demo",
        vec![],
    )
    .await?
        == 0
    {
        let rng = &mut generator.rng;
        super::demo_sheets::generate(
            db,
            &txn,
            &mut |n| rng.below(n),
            args.sheets as usize,
            db::organisations::now(),
        )
        .await?
    } else {
        0
    };
    // A bulk load asks the search indexer for a rebuild instead of one change per row.
    db::organisations::record_change(&txn, "*", 0, "rebuild").await?;
    txn.commit().await.context("committing the land sites")?;

    println!(
        "demo data: firms inserted {}, updated {}, unchanged {}; land sites inserted {}, unchanged {}; simplification proposals {proposals}; annonces {annonces}; clusters {clusters}; fiches-actions {sheets}; {:.1} s",
        summary.inserted,
        summary.updated,
        summary.unchanged,
        sites_summary.inserted,
        sites_summary.unchanged,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn console_attended() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_sirets_are_valid_and_distinct() {
        let sirets: std::collections::HashSet<String> = (0..10_000)
            .filter_map(|i| demo_siret(7, i))
            .map(|s| s.as_str().to_owned())
            .collect();
        assert!(sirets.len() >= 9_999, "{}", sirets.len());
    }

    #[test]
    fn the_generator_is_reproducible() {
        let mut a = Rng(42);
        let mut b = Rng(42);
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng(43).next(), Rng(42).next());
    }
}
