//! A city: several offices (本庁舎, 支所, corners) served by one deployment.
//!
//! A city file names the city, says what holds for every office (the
//! public URL, `[security]`, `[mail]`, `[privacy]`, `[directory]`) and lists the offices,
//! each in its own office file:
//!
//! ```toml
//! [city]
//! name = { ja = "みどり市", en = "Midori City" }
//! public_url = "https://madoguchi.city.example.lg.jp"
//!
//! [[offices]]
//! id = "honcho"
//! file = "honcho.toml"   # relative to the city file
//! ```
//!
//! A lone office file is a city of that one office, as before.

use std::collections::HashSet;

use protocol::Localized;
use serde::Deserialize;

use super::{
    Collector, ConfigError, Office, Problem, checked_public_url, shared_settings, syntax_error,
};
use crate::rules::input::is_id;

/// The embedded demo city, by file name: the city file first, then its
/// offices' files (`madoguchi-server demo-config --out DIR` writes them).
pub const DEMO_CITY_FILES: &[(&str, &str)] = &[
    ("city.toml", include_str!("demo-city.toml")),
    ("honcho.toml", super::DEMO_OFFICE_TOML),
    ("kita.toml", include_str!("demo-kita.toml")),
    // The main building's forms: examples modelled on common ones, not
    // any city's official forms.
    ("forms/common.typ", include_str!("demo-forms/common.typ")),
    (
        "forms/kokuho_loss.typ",
        include_str!("demo-forms/kokuho_loss.typ"),
    ),
    (
        "forms/kokuho_funeral.typ",
        include_str!("demo-forms/kokuho_funeral.typ"),
    ),
    ("forms/kouki.typ", include_str!("demo-forms/kouki.typ")),
    (
        "forms/kaigo_loss.typ",
        include_str!("demo-forms/kaigo_loss.typ"),
    ),
    (
        "forms/setainushi.typ",
        include_str!("demo-forms/setainushi.typ"),
    ),
    ("forms/pension.typ", include_str!("demo-forms/pension.typ")),
];

/// A validated city: its offices in the order of the city file (the first
/// is where an office's data from before the city goes, see
/// `Store::adopt_offices`).
#[derive(Debug, Clone)]
pub struct City {
    pub name: Localized,
    pub offices: Vec<Office>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCityFile {
    city: toml::Spanned<toml::Value>,
    #[serde(default)]
    security: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    mail: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    privacy: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    directory: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    offices: Vec<toml::Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    name: Localized,
    #[serde(default)]
    public_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOfficeEntry {
    id: String,
    file: String,
}

impl City {
    /// The embedded demo: みどり市's 本庁舎 (with the おくやみコーナー) and
    /// its 北支所.
    pub fn demo() -> City {
        // The demo files are part of the binary and covered by a test.
        City::parse(DEMO_CITY_FILES[0].0, DEMO_CITY_FILES[0].1, |name| {
            DEMO_CITY_FILES
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, src)| src.to_string())
                .ok_or_else(|| "not one of the demo's files".to_string())
        })
        .unwrap_or_else(|e| panic!("embedded demo city: {e}"))
    }

    /// A city of one office (a lone office file, or a test's office).
    pub fn of(office: Office) -> City {
        City {
            name: office.name.clone(),
            offices: vec![office],
        }
    }

    /// A configuration file from disk: a city file (with `[city]`), whose
    /// office files are read relative to it, or a lone office file.
    pub fn load(path: &std::path::Path) -> Result<City, ConfigError> {
        let name = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| unreadable(&name, &e.to_string()))?;
        let dir = path.parent().map(std::path::Path::to_path_buf);
        City::parse(&name, &src, |file| {
            let at = dir.as_ref().map_or_else(|| file.into(), |d| d.join(file));
            std::fs::read_to_string(&at).map_err(|e| format!("{}: {e}", at.display()))
        })
    }

    /// Parses `src` (named `name` in problems); a city file's office files
    /// come from `read`. Every problem of every file is reported, each with
    /// its file and line.
    pub fn parse(
        name: &str,
        src: &str,
        read: impl Fn(&str) -> Result<String, String>,
    ) -> Result<City, ConfigError> {
        let is_city = toml::from_str::<toml::Table>(src)
            .map(|t| t.contains_key("city"))
            .unwrap_or(false);
        if !is_city {
            let mut office = Office::parse(src).map_err(|e| in_file(name, e))?;
            let problems = office.read_forms(&read);
            if !problems.is_empty() {
                return Err(forms_unreadable(name, problems));
            }
            return Ok(City::of(office));
        }
        let raw: RawCityFile =
            toml::from_str(src).map_err(|e| in_file(name, syntax_error(src, &e)))?;
        let mut c = Collector {
            src,
            problems: Vec::new(),
        };
        // The directory's groups may name only offices the city lists.
        let listed: Vec<String> = raw
            .offices
            .iter()
            .filter_map(|v| v.get_ref().get("id")?.as_str().map(str::to_string))
            .collect();
        let mut shared = shared_settings(
            &mut c,
            &raw.security,
            &raw.mail,
            &raw.privacy,
            &raw.directory,
            Some(&listed),
        );
        let mut city_name = Localized::new();
        if let Some(head) = c.typed::<RawCity>("[city]", &raw.city) {
            if !head.name.contains_key("ja") {
                c.at(&raw.city.span(), "city name needs a Japanese text (ja)");
            }
            city_name = head.name;
            if let Some(url) = head.public_url {
                match checked_public_url(&url) {
                    Ok(url) => shared.public_url = url,
                    Err(problem) => c.at(&raw.city.span(), problem),
                }
            }
        }
        if raw.offices.is_empty() {
            c.at(&raw.city.span(), "no [[offices]] listed");
        }
        let mut offices = Vec::new();
        let mut other_files = Vec::new();
        let mut seen = HashSet::new();
        for v in &raw.offices {
            let Some(entry) = c.typed::<RawOfficeEntry>("[[offices]]", v) else {
                continue;
            };
            if !is_id(&entry.id) {
                c.at(
                    &v.span(),
                    format!("office id {:?} must be 1–40 of a-z, 0-9, - or _", entry.id),
                );
                continue;
            }
            if !seen.insert(entry.id.clone()) {
                c.at(&v.span(), format!("office id {:?} is used twice", entry.id));
                continue;
            }
            let office_src = match read(&entry.file) {
                Ok(s) => s,
                Err(e) => {
                    c.at(&v.span(), format!("office {:?}: cannot read {e}", entry.id));
                    continue;
                }
            };
            match Office::parse_in(&office_src, Some((&entry.id, &shared))) {
                Ok(mut office) => {
                    // Form files are relative to the office file.
                    let dir = entry.file.rsplit_once('/').map(|(d, _)| d.to_string());
                    let beside = |f: &str| match &dir {
                        Some(d) => read(&format!("{d}/{f}")),
                        None => read(f),
                    };
                    let problems = office.read_forms(&beside);
                    if problems.is_empty() {
                        offices.push(office);
                    } else {
                        other_files.extend(forms_unreadable(&entry.file, problems).0);
                    }
                }
                Err(e) => other_files.extend(in_file(&entry.file, e).0),
            }
        }
        let mut problems = in_file(name, ConfigError(c.problems)).0;
        problems.sort_by_key(|p| p.line);
        problems.extend(other_files);
        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        Ok(City {
            name: city_name,
            offices,
        })
    }

    pub fn office(&self, id: &str) -> Option<&Office> {
        self.offices.iter().find(|o| o.id == id)
    }

    /// What every office shares (the city's settings are in each).
    pub fn first(&self) -> &Office {
        &self.offices[0]
    }

    /// Demo: every office open every day, all day.
    pub fn open_all_hours(&mut self) {
        for o in &mut self.offices {
            o.open_all_hours();
        }
    }

    /// The public URL for every office (`--public-url`).
    pub fn set_public_url(&mut self, url: &str) {
        for o in &mut self.offices {
            o.public_url = url.trim_end_matches('/').to_string();
        }
    }
}

fn in_file(file: &str, e: ConfigError) -> ConfigError {
    ConfigError(
        e.0.into_iter()
            .map(|p| Problem {
                file: Some(file.into()),
                ..p
            })
            .collect(),
    )
}

fn forms_unreadable(file: &str, problems: Vec<String>) -> ConfigError {
    ConfigError(
        problems
            .into_iter()
            .map(|message| Problem {
                file: Some(file.into()),
                line: 1,
                message,
            })
            .collect(),
    )
}

fn unreadable(file: &str, why: &str) -> ConfigError {
    ConfigError(vec![Problem {
        file: Some(file.into()),
        line: 1,
        message: format!("cannot read: {why}"),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_a_city_of_the_main_building_and_a_branch() {
        let city = City::demo();
        let ids: Vec<&str> = city.offices.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["honcho", "kita"]);
        let kita = city.office("kita").expect("kita");
        let services: Vec<&str> = kita.services.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(services, ["juminido", "shomei"]);
        assert_eq!(kita.booths.len(), 2);
        // Same ids and prefixes as the main building's: each office numbers
        // its own.
        let honcho = city.office("honcho").expect("honcho");
        assert_eq!(
            honcho.service("shomei").map(|s| &s.prefix),
            kita.service("shomei").map(|s| &s.prefix)
        );
        assert!(honcho.service("okuyami").is_some() && kita.service("okuyami").is_none());
        // The city's settings reach every office.
        assert_eq!(kita.privacy.retention_days, honcho.privacy.retention_days);
        assert_eq!(kita.mail.from, honcho.mail.from);
        assert!(kita.address.contains_key("ja") && honcho.address.contains_key("ja"));
    }

    #[test]
    fn a_lone_office_file_is_a_city_of_one() {
        // The demo office's forms are read beside it.
        let city = City::parse("office.toml", super::super::DEMO_OFFICE_TOML, |name| {
            DEMO_CITY_FILES
                .iter()
                .find(|(file, _)| *file == name && name.starts_with("forms/"))
                .map(|(_, src)| src.to_string())
                .ok_or_else(|| "no other files".into())
        })
        .expect("office file");
        assert_eq!(city.first().form_files.len(), 7, "six forms and common.typ");
        assert_eq!(city.offices.len(), 1);
        assert_eq!(city.first().id, "honcho");
    }

    #[test]
    fn every_problem_of_every_file_is_reported_with_file_and_line() {
        let city = "[city]\nname = { en = \"no ja\" }\n\n[[offices]]\nid = \"a\"\nfile = \"a.toml\"\n\n[[offices]]\nid = \"a\"\nfile = \"b.toml\"\n\n[[offices]]\nid = \"Bad Id\"\nfile = \"c.toml\"\n\n[[offices]]\nid = \"d\"\nfile = \"missing.toml\"\n";
        let office_a = "[office]\nname = { ja = \"A\" }\npublic_url = \"http://a\"\n\n[mail]\nfrom = \"x@y\"\n\n[[services]]\nid = \"s\"\nprefix = \"AA\"\nname = { ja = \"S\" }\naverage_minutes = 5\ndepartment = \"x\"\nlocation = { ja = \"1階\" }\n";
        let err = City::parse("city.toml", city, |f| match f {
            "a.toml" => Ok(office_a.into()),
            other => Err(format!("{other}: no such file")),
        })
        .expect_err("invalid");
        let found: Vec<String> = err.0.iter().map(|p| p.to_string()).collect();
        let has = |file: &str, line: usize, text: &str| {
            found
                .iter()
                .any(|p| p.starts_with(&format!("{file}:{line}: ")) && p.contains(text))
        };
        assert!(has("city.toml", 1, "Japanese"), "{found:#?}");
        assert!(has("city.toml", 8, "used twice"), "{found:#?}");
        assert!(has("city.toml", 12, "must be 1–40"), "{found:#?}");
        assert!(has("city.toml", 16, "missing.toml"), "{found:#?}");
        assert!(
            has("a.toml", 1, "public_url belongs in the city file"),
            "{found:#?}"
        );
        assert!(
            has("a.toml", 5, "[mail] belongs in the city file"),
            "{found:#?}"
        );
        assert!(has("a.toml", 8, "prefix \"AA\""), "{found:#?}");
        assert!(has("a.toml", 8, "no booth"), "{found:#?}");
        assert_eq!(found.len(), 8, "{found:#?}");
    }
}
