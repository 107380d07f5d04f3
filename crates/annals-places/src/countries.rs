//! The country table: ISO and CAMEO codes, names, demonyms, abbreviations, capitals.

use crate::fasthash::FastMap;
use serde::Serialize;
use std::sync::OnceLock;

const COUNTRIES_TSV: &str = include_str!("../../../data/places/countries.tsv");

/// One country or territory of the GeoNames country list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, e.g. `KP`.
    pub iso2: String,
    /// ISO 3166-1 alpha-3 code, e.g. `PRK`.
    pub iso3: String,
    /// CAMEO country code (the ISO alpha-3 code except where CAMEO differs, e.g. Kosovo `KSV`).
    pub cameo: String,
    /// Short English name, e.g. `North Korea`.
    pub name: String,
    /// Every proper name: short, official and alternate forms.
    pub names: Vec<String>,
    /// Adjective and plural demonyms, e.g. `North Korean`, `North Koreans`.
    pub demonyms: Vec<String>,
    /// Written abbreviations, e.g. `DPRK`, `U.S.`.
    pub abbreviations: Vec<String>,
    /// Name of the capital city.
    pub capital: String,
    /// GeoNames id of the country.
    pub geonameid: u32,
    /// GeoNames id of the capital city (0 when unknown).
    pub capital_geonameid: u32,
    /// Latitude of the country's centroid.
    pub lat: Option<f64>,
    /// Longitude of the country's centroid.
    pub lon: Option<f64>,
    /// Population.
    pub population: u64,
}

/// The country table with code and name indexes.
#[derive(Debug)]
pub struct Countries {
    list: Vec<Country>,
    codes: FastMap<String, usize>,
    names: FastMap<String, usize>,
    demonyms: FastMap<String, usize>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split('|')
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

impl Countries {
    /// The embedded country table, parsed once.
    pub fn builtin() -> &'static Countries {
        static TABLE: OnceLock<Countries> = OnceLock::new();
        TABLE.get_or_init(|| Countries::parse(COUNTRIES_TSV))
    }

    /// Parses a table in the `countries.tsv` format (malformed lines are skipped).
    pub fn parse(tsv: &str) -> Countries {
        let mut list = Vec::new();
        for line in tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 15 {
                continue;
            }
            list.push(Country {
                iso2: f[0].to_string(),
                iso3: f[1].to_string(),
                cameo: f[2].to_string(),
                geonameid: f[3].parse().unwrap_or(0),
                name: f[4].to_string(),
                lat: f[5].parse().ok(),
                lon: f[6].parse().ok(),
                capital: f[7].to_string(),
                capital_geonameid: f[8].parse().unwrap_or(0),
                population: f[11].parse().unwrap_or(0),
                names: split_list(f[12]),
                demonyms: split_list(f[13]),
                abbreviations: split_list(f[14]),
            });
        }
        let mut codes = FastMap::default();
        let mut names = FastMap::default();
        for (i, c) in list.iter().enumerate() {
            for code in [&c.iso2, &c.iso3, &c.cameo] {
                codes.entry(code.clone()).or_insert(i);
            }
        }
        // Names first, so that a country's own name wins over another's demonym or abbreviation;
        // then the more populous country wins a shared form ("American").
        let mut order: Vec<usize> = (0..list.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(list[i].population));
        for &i in &order {
            names.entry(list[i].name.clone()).or_insert(i);
        }
        for &i in &order {
            let c = &list[i];
            for n in c.names.iter().chain(&c.abbreviations).chain(&c.demonyms) {
                names.entry(n.clone()).or_insert(i);
            }
        }
        let mut demonyms = FastMap::default();
        for &i in &order {
            let c = &list[i];
            for d in &c.demonyms {
                demonyms.entry(d.clone()).or_insert(i);
            }
        }
        Countries {
            list,
            codes,
            names,
            demonyms,
        }
    }

    /// Every country, in ISO alpha-2 order.
    pub fn all(&self) -> &[Country] {
        &self.list
    }

    /// The country with this ISO alpha-2, alpha-3 or CAMEO code (any letter case).
    pub fn by_code(&self, code: &str) -> Option<&Country> {
        if let Some(&i) = self.codes.get(code) {
            return self.list.get(i);
        }
        let upper = code.trim().to_ascii_uppercase();
        self.codes.get(&upper).map(|&i| &self.list[i])
    }

    /// The country with this proper name, demonym or abbreviation (case-sensitive, e.g.
    /// `North Korea`, `North Korean`, `DPRK`); a leading `the ` is ignored.
    pub fn by_name(&self, name: &str) -> Option<&Country> {
        let name = name.trim();
        let name = name
            .strip_prefix("the ")
            .or_else(|| name.strip_prefix("The "))
            .unwrap_or(name);
        self.names.get(name).map(|&i| &self.list[i])
    }

    /// The country whose demonym this is (case-sensitive: `North Korean`, `Russians`).
    pub fn by_demonym(&self, demonym: &str) -> Option<&Country> {
        self.demonyms.get(demonym.trim()).map(|&i| &self.list[i])
    }

    /// Every name, demonym and abbreviation with the index of its country in [`Countries::all`].
    pub fn name_index(&self) -> impl Iterator<Item = (&str, usize)> {
        self.names.iter().map(|(k, &v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_resolve() {
        let c = Countries::builtin();
        assert!(c.all().len() >= 195);
        let prk = c.by_code("PRK").unwrap();
        assert_eq!(prk.iso2, "KP");
        assert_eq!(c.by_name("DPRK").unwrap().iso3, "PRK");
        assert_eq!(c.by_name("North Korean").unwrap().iso3, "PRK");
        assert_eq!(
            c.by_name("Democratic People's Republic of Korea")
                .unwrap()
                .iso3,
            "PRK"
        );
        assert_eq!(c.by_name("South Korea").unwrap().iso3, "KOR");
        assert_eq!(c.by_name("U.S.").unwrap().iso3, "USA");
        assert_eq!(c.by_name("the United States").unwrap().iso3, "USA");
        assert_eq!(c.by_code("de").unwrap().name, "Germany");
        assert_eq!(c.by_code("KSV").unwrap().iso2, "XK");
        assert_eq!(c.by_code("JPN").unwrap().capital, "Tokyo");
        assert!(c.by_name("north korea").is_none());
        assert_eq!(c.by_demonym("Russians").unwrap().iso3, "RUS");
        assert_eq!(c.by_demonym("American").unwrap().iso3, "USA");
        assert!(c.by_demonym("Russia").is_none());
        assert!(c.by_code("ZZZ").is_none());
        let seoul_ok = c.by_code("KOR").unwrap();
        assert!((seoul_ok.lat.unwrap() - 37.0).abs() < 3.0);
    }
}
