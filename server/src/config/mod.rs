//! The office described in TOML: opening hours, services, booths, slots.
//!
//! Parsing collects every problem it can find, each with its line, so that
//! `check-config` shows all of them at once rather than the first.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use protocol::Localized;
use serde::Deserialize;

use crate::rules::input::is_id;

mod city;
pub mod directory;
pub mod mail;
mod questionnaire;
pub use city::{City, DEMO_CITY_FILES};
pub use mail::{MailSettings, PrivacySettings, TlsMode};
pub use questionnaire::{Condition, FORM_SOURCES, FormRef, ProcedureRule, Questionnaire, possible};

/// The demo city's main building (本庁舎), an office file.
pub const DEMO_OFFICE_TOML: &str = include_str!("demo-office.toml");

/// A validated office. In a city, `public_url`, `security`, `mail` and
/// `privacy` are the city's (one file says them for every office), copied
/// into each office so that an office's code reads them in one place.
#[derive(Debug, Clone)]
pub struct Office {
    /// The office's id in paths (`/api/v1/offices/{id}/…`) and in the
    /// database: a city file's `[[offices]] id`, or a lone office file's
    /// `[office] id` (default `main`).
    pub id: String,
    pub name: Localized,
    /// Where visitors find it (shown on the booking, status and congestion
    /// pages and in the confirmation mail).
    pub address: Localized,
    pub time_zone: Tz,
    pub public_url: String,
    pub hours: BTreeMap<u32, (NaiveTime, NaiveTime)>,
    pub closed_dates: BTreeSet<NaiveDate>,
    /// Closed on Japanese national holidays and 12/29–1/3 (computed).
    pub japanese_holidays: bool,
    pub queue: QueueSettings,
    pub booking: BookingSettings,
    pub congestion: CongestionSettings,
    pub security: SecuritySettings,
    pub mail: MailSettings,
    pub privacy: PrivacySettings,
    /// Staff log-in from the city's directory (`[directory]`), if set.
    pub directory: Option<directory::DirectorySettings>,
    pub services: Vec<ServiceConfig>,
    pub booths: Vec<BoothConfig>,
    pub slot_templates: Vec<SlotTemplate>,
    /// The おくやみ questionnaire and the procedures it leads to.
    pub questionnaire: Questionnaire,
    /// The Typst files of the procedures' forms and what they import, by
    /// path relative to the office file (read by `City::parse`).
    pub form_files: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueSettings {
    pub max_calls: u32,
    pub ewma_alpha: f64,
    pub checkin_early_minutes: i64,
    pub checkin_late_minutes: i64,
    pub recent_calls: usize,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            max_calls: 3,
            ewma_alpha: 0.3,
            checkin_early_minutes: 30,
            checkin_late_minutes: 30,
            recent_calls: 10,
        }
    }
}

/// The congestion page: lamp thresholds and how much history to average.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CongestionSettings {
    pub blue_below_minutes: u32,
    pub red_above_minutes: u32,
    pub history_weeks: u32,
}

impl Default for CongestionSettings {
    fn default() -> Self {
        CongestionSettings {
            blue_below_minutes: 15,
            red_above_minutes: 30,
            history_weeks: 4,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BookingSettings {
    pub lead_minutes: i64,
    pub horizon_days: i64,
}

impl Default for BookingSettings {
    fn default() -> Self {
        BookingSettings {
            lead_minutes: 0,
            horizon_days: 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecuritySettings {
    /// Staff sessions expire after this many hours.
    pub session_hours: i64,
    /// Failed logins per user name (and per address) before a lock-out …
    pub login_failures: u32,
    /// … that lasts this long.
    pub login_window_minutes: i64,
    /// Requests a kiosk device may make per minute.
    pub kiosk_requests_per_minute: u32,
    /// Reverse proxies (nginx, a load balancer) whose `X-Forwarded-For`
    /// names the visitor's address, e.g. `["127.0.0.1"]`. Without them,
    /// every login through the proxy would count as one address.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            session_hours: 8,
            login_failures: 5,
            login_window_minutes: 15,
            kiosk_requests_per_minute: 120,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub id: String,
    pub prefix: String,
    pub name: Localized,
    pub average_minutes: u32,
    #[serde(default)]
    pub reservation_only: bool,
    pub department: String,
    pub location: Localized,
    /// Bookings answer the おくやみ questionnaire (`[[questions]]`).
    #[serde(default)]
    pub questionnaire: bool,
    /// Bookings start this many working days ahead (0: today), so that
    /// departments can prepare (e.g. 2 for おくやみ).
    #[serde(default)]
    pub lead_working_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoothConfig {
    pub id: String,
    pub label: Localized,
    pub location: Localized,
    pub services: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SlotTemplate {
    pub service: String,
    pub weekdays: Vec<Weekday>,
    pub starts: Vec<NaiveTime>,
    pub minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlotTemplate {
    service: String,
    weekdays: Vec<String>,
    starts: Vec<String>,
    minutes: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    #[serde(default)]
    id: Option<String>,
    name: Localized,
    #[serde(default)]
    address: Localized,
    #[serde(default = "default_tz")]
    time_zone: String,
    #[serde(default)]
    public_url: Option<String>,
    #[serde(default)]
    hours: BTreeMap<String, String>,
    #[serde(default)]
    closed_dates: Vec<String>,
    #[serde(default)]
    japanese_holidays: bool,
}

fn default_tz() -> String {
    "Asia/Tokyo".into()
}

fn default_public_url() -> String {
    "http://127.0.0.1:8080".into()
}

/// A public URL as links are built from it: http(s), no trailing slash.
fn checked_public_url(url: &str) -> Result<String, String> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url.trim_end_matches('/').to_string())
    } else {
        Err(format!(
            "public_url {url:?} must start with http:// or https://"
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    office: toml::Spanned<toml::Value>,
    #[serde(default)]
    queue: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    booking: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    congestion: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    security: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    mail: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    privacy: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    directory: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    services: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    booths: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    slot_templates: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    questions: Vec<toml::Spanned<toml::Value>>,
    #[serde(default)]
    procedures: Vec<toml::Spanned<toml::Value>>,
}

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file it is in, when the configuration has several (a city).
    pub file: Option<String>,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}:{}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// What a city file says for every office; a lone office file says it
/// itself.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    pub public_url: String,
    pub security: SecuritySettings,
    pub mail: MailSettings,
    pub privacy: PrivacySettings,
    pub directory: Option<directory::DirectorySettings>,
}

#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the configuration:\n{}", .0.len(), .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError(pub Vec<Problem>);

/// A file that is not TOML: its one problem, at the line the parser stopped.
fn syntax_error(src: &str, e: &toml::de::Error) -> ConfigError {
    let line = e
        .span()
        .map(|s| src[..s.start.min(src.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    ConfigError(vec![Problem {
        file: None,
        line,
        message: e.message().trim().to_string(),
    }])
}

struct Collector<'a> {
    src: &'a str,
    problems: Vec<Problem>,
}

impl Collector<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            + 1
    }

    fn at(&mut self, span: &std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line_of(span.start);
        self.problems.push(Problem {
            file: None,
            line,
            message: message.into(),
        });
    }

    fn typed<T: serde::de::DeserializeOwned>(
        &mut self,
        what: &str,
        value: &toml::Spanned<toml::Value>,
    ) -> Option<T> {
        match value.get_ref().clone().try_into::<T>() {
            Ok(v) => Some(v),
            Err(e) => {
                self.at(&value.span(), format!("{what}: {}", e.message().trim()));
                None
            }
        }
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    match s.to_ascii_lowercase().as_str() {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// The files a Typst source imports by a plain relative path
/// (`#import "common.typ": …`).
fn typst_imports(src: &str) -> Vec<String> {
    src.lines()
        .filter_map(|l| l.trim_start().strip_prefix("#import \""))
        .filter_map(|rest| rest.split_once('"').map(|(p, _)| p.to_string()))
        .filter(|p| !p.starts_with('@') && !p.starts_with('/'))
        .collect()
}

impl Office {
    /// The embedded demo city's main building (本庁舎), with the city's
    /// settings.
    pub fn demo() -> Office {
        City::demo().offices.swap_remove(0)
    }

    /// Parses and validates a lone office file; reports every problem
    /// found, with lines.
    pub fn parse(src: &str) -> Result<Office, ConfigError> {
        Office::parse_in(src, None)
    }

    /// An office file on its own (`city` None), or one of a city's
    /// (`city`: its id there and what the city file says for every office).
    pub(crate) fn parse_in(
        src: &str,
        city: Option<(&str, &Shared)>,
    ) -> Result<Office, ConfigError> {
        let raw: RawFile = toml::from_str(src).map_err(|e| syntax_error(src, &e))?;
        let mut c = Collector {
            src,
            problems: Vec::new(),
        };

        let office: Option<RawOffice> = c.typed("[office]", &raw.office);
        let queue: QueueSettings = match &raw.queue {
            Some(v) => c.typed("[queue]", v).unwrap_or_default(),
            None => QueueSettings::default(),
        };
        let booking: BookingSettings = match &raw.booking {
            Some(v) => c.typed("[booking]", v).unwrap_or_default(),
            None => BookingSettings::default(),
        };
        let congestion: CongestionSettings = match &raw.congestion {
            Some(v) => c.typed("[congestion]", v).unwrap_or_default(),
            None => CongestionSettings::default(),
        };
        if let Some(v) = &raw.congestion
            && (congestion.blue_below_minutes > congestion.red_above_minutes
                || !(1..=52).contains(&congestion.history_weeks))
        {
            c.at(
                &v.span(),
                "[congestion] blue_below_minutes must not exceed red_above_minutes; history_weeks 1–52",
            );
        }
        let shared = match city {
            None => Shared {
                public_url: default_public_url(),
                ..shared_settings(
                    &mut c,
                    &raw.security,
                    &raw.mail,
                    &raw.privacy,
                    &raw.directory,
                    None,
                )
            },
            Some((_, shared)) => {
                for (section, value) in [
                    ("[security]", &raw.security),
                    ("[mail]", &raw.mail),
                    ("[privacy]", &raw.privacy),
                    ("[directory]", &raw.directory),
                ] {
                    if let Some(v) = value {
                        c.at(
                            &v.span(),
                            format!(
                                "{section} belongs in the city file: it holds for every office"
                            ),
                        );
                    }
                }
                shared.clone()
            }
        };
        if let Some(q) = &raw.queue {
            if queue.max_calls == 0 {
                c.at(&q.span(), "[queue] max_calls must be at least 1");
            }
            if !(queue.ewma_alpha > 0.0 && queue.ewma_alpha <= 1.0) {
                c.at(&q.span(), "[queue] ewma_alpha must be in (0, 1]");
            }
            if queue.checkin_early_minutes < 0 || queue.checkin_late_minutes < 0 {
                c.at(&q.span(), "[queue] check-in windows must not be negative");
            }
        }
        if let Some(b) = &raw.booking
            && (booking.lead_minutes < 0 || booking.horizon_days < 1 || booking.horizon_days > 366)
        {
            c.at(
                &b.span(),
                "[booking] lead_minutes must be >= 0 and horizon_days in 1..=366",
            );
        }

        let mut time_zone = chrono_tz::Asia::Tokyo;
        let mut hours = BTreeMap::new();
        let mut closed_dates = BTreeSet::new();
        let mut japanese_holidays = false;
        let mut name = Localized::new();
        let mut address = Localized::new();
        let mut shared = shared;
        let mut id = city.map_or("main", |(id, _)| id).to_string();
        if let Some(o) = office {
            let span = raw.office.span();
            match (&o.id, city) {
                (Some(own), Some((given, _))) if own != given => c.at(
                    &span,
                    format!("[office] id {own:?} differs from the city file's {given:?}"),
                ),
                (Some(own), None) if !is_id(own) => c.at(
                    &span,
                    format!("office id {own:?} must be 1–40 of a-z, 0-9, - or _"),
                ),
                (Some(own), None) => id = own.clone(),
                _ => {}
            }
            address = o.address;
            match o.time_zone.parse::<Tz>() {
                Ok(tz) => time_zone = tz,
                Err(_) => c.at(&span, format!("unknown time zone {:?}", o.time_zone)),
            }
            if !o.name.contains_key("ja") {
                c.at(&span, "office name needs a Japanese text (ja)");
            }
            name = o.name;
            match (o.public_url, city) {
                (Some(_), Some(_)) => c.at(
                    &span,
                    "public_url belongs in the city file's [city]: it holds for every office",
                ),
                (Some(url), None) => match checked_public_url(&url) {
                    Ok(url) => shared.public_url = url,
                    Err(problem) => c.at(&span, problem),
                },
                (None, _) => {}
            }
            for (day, range) in &o.hours {
                let Some(wd) = parse_weekday(day) else {
                    c.at(
                        &span,
                        format!("hours: unknown weekday {day:?} (use mon … sun)"),
                    );
                    continue;
                };
                let parsed = range
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_hhmm(a)?, parse_hhmm(b)?)));
                match parsed {
                    Some((open, close)) if open < close => {
                        hours.insert(wd.num_days_from_monday(), (open, close));
                    }
                    _ => c.at(&span, format!("hours.{day}: {range:?} is not \"HH:MM-HH:MM\" with opening before closing")),
                }
            }
            japanese_holidays = o.japanese_holidays;
            for d in &o.closed_dates {
                match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(date) => {
                        closed_dates.insert(date);
                    }
                    Err(_) => c.at(&span, format!("closed_dates: {d:?} is not YYYY-MM-DD")),
                }
            }
        }

        let mut services = Vec::new();
        let mut seen_ids = HashSet::new();
        let mut seen_prefixes = HashSet::new();
        if raw.services.is_empty() {
            c.problems.push(Problem {
                file: None,
                line: 1,
                message: "no [[services]] defined".into(),
            });
        }
        for v in &raw.services {
            let Some(s) = c.typed::<ServiceConfig>("[[services]]", v) else {
                continue;
            };
            let span = v.span();
            if !is_id(&s.id) {
                c.at(
                    &span,
                    format!("service id {:?} must be 1–40 of a-z, 0-9, - or _", s.id),
                );
            }
            if !seen_ids.insert(s.id.clone()) {
                c.at(&span, format!("service id {:?} is used twice", s.id));
            }
            let prefix_ok =
                s.prefix.len() == 1 && s.prefix.chars().all(|ch| ch.is_ascii_uppercase());
            if !prefix_ok {
                c.at(
                    &span,
                    format!(
                        "service {:?}: prefix {:?} must be one letter A–Z",
                        s.id, s.prefix
                    ),
                );
            } else if !seen_prefixes.insert(s.prefix.clone()) {
                c.at(
                    &span,
                    format!(
                        "service {:?}: prefix {:?} is used by another service",
                        s.id, s.prefix
                    ),
                );
            }
            if !(1..=480).contains(&s.average_minutes) {
                c.at(
                    &span,
                    format!("service {:?}: average_minutes must be 1–480", s.id),
                );
            }
            if !s.name.contains_key("ja") {
                c.at(
                    &span,
                    format!("service {:?}: name needs a Japanese text (ja)", s.id),
                );
            }
            services.push(s);
        }

        let mut booths: Vec<BoothConfig> = Vec::new();
        let mut seen_booths = HashSet::new();
        for v in &raw.booths {
            let Some(b) = c.typed::<BoothConfig>("[[booths]]", v) else {
                continue;
            };
            let span = v.span();
            if !is_id(&b.id) {
                c.at(
                    &span,
                    format!("booth id {:?} must be 1–40 of a-z, 0-9, - or _", b.id),
                );
            }
            if !seen_booths.insert(b.id.clone()) {
                c.at(&span, format!("booth id {:?} is used twice", b.id));
            }
            if b.services.is_empty() {
                c.at(&span, format!("booth {:?} serves no service", b.id));
            }
            for s in &b.services {
                if !seen_ids.contains(s) {
                    c.at(&span, format!("booth {:?}: unknown service {s:?}", b.id));
                }
            }
            booths.push(b);
        }
        for s in &services {
            if !booths.iter().any(|b| b.services.contains(&s.id)) {
                let span = raw
                    .services
                    .iter()
                    .find(|v| v.get_ref().get("id").and_then(|i| i.as_str()) == Some(&s.id))
                    .map(|v| v.span())
                    .unwrap_or(0..0);
                c.at(
                    &span,
                    format!("service {:?} has no booth that serves it", s.id),
                );
            }
        }

        let mut slot_templates = Vec::new();
        for v in &raw.slot_templates {
            let Some(t) = c.typed::<RawSlotTemplate>("[[slot_templates]]", v) else {
                continue;
            };
            let span = v.span();
            if !seen_ids.contains(&t.service) {
                c.at(
                    &span,
                    format!("slot template: unknown service {:?}", t.service),
                );
            }
            let mut weekdays = Vec::new();
            for d in &t.weekdays {
                match parse_weekday(d) {
                    Some(w) => weekdays.push(w),
                    None => c.at(&span, format!("slot template: unknown weekday {d:?}")),
                }
            }
            let mut starts = Vec::new();
            for s in &t.starts {
                match parse_hhmm(s) {
                    Some(time) => starts.push(time),
                    None => c.at(&span, format!("slot template: start {s:?} is not HH:MM")),
                }
            }
            starts.sort();
            if !(5..=480).contains(&t.minutes) {
                c.at(&span, "slot template: minutes must be 5–480");
            }
            slot_templates.push(SlotTemplate {
                service: t.service,
                weekdays,
                starts,
                minutes: t.minutes,
            });
        }
        for s in services.iter().filter(|s| s.reservation_only) {
            if !slot_templates.iter().any(|t| t.service == s.id) {
                let span = raw
                    .services
                    .iter()
                    .find(|v| v.get_ref().get("id").and_then(|i| i.as_str()) == Some(&s.id))
                    .map(|v| v.span())
                    .unwrap_or(0..0);
                c.at(
                    &span,
                    format!(
                        "service {:?} is reservation-only but has no slot template",
                        s.id
                    ),
                );
            }
        }

        let questionnaire = questionnaire::parse(&mut c, &raw.questions, &raw.procedures);
        for s in services.iter().filter(|s| s.questionnaire) {
            if questionnaire.questions.is_empty() {
                c.at(
                    &raw.office.span(),
                    format!(
                        "service {:?} uses the questionnaire, but there are no [[questions]]",
                        s.id
                    ),
                );
            }
        }

        if !c.problems.is_empty() {
            c.problems.sort_by_key(|p| p.line);
            return Err(ConfigError(c.problems));
        }
        Ok(Office {
            id,
            name,
            address,
            time_zone,
            public_url: shared.public_url,
            hours,
            closed_dates,
            japanese_holidays,
            queue,
            booking,
            congestion,
            security: shared.security,
            mail: shared.mail,
            privacy: shared.privacy,
            directory: shared.directory,
            services,
            booths,
            slot_templates,
            questionnaire,
            form_files: BTreeMap::new(),
        })
    }

    /// Reads the files of the procedures' forms with `read` (paths
    /// relative to the office file): each form and the files it imports
    /// beside it. Problems name the procedure and the file.
    pub fn read_forms(&mut self, read: &impl Fn(&str) -> Result<String, String>) -> Vec<String> {
        let mut problems = Vec::new();
        let mut wanted: Vec<(String, String)> = self
            .questionnaire
            .procedures
            .iter()
            .filter_map(|p| {
                p.form
                    .as_ref()
                    .map(|f| (p.procedure.id.clone(), f.file.clone()))
            })
            .collect();
        while let Some((procedure, file)) = wanted.pop() {
            if self.form_files.contains_key(&file) {
                continue;
            }
            match read(&file) {
                Ok(src) => {
                    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
                    for import in typst_imports(&src) {
                        let path = if dir.is_empty() {
                            import
                        } else {
                            format!("{dir}/{import}")
                        };
                        if questionnaire::is_form_path(&path) {
                            wanted.push((procedure.clone(), path));
                        }
                    }
                    self.form_files.insert(file, src);
                }
                Err(e) => problems.push(format!("procedure {procedure:?}: form {file:?}: {e}")),
            }
        }
        problems
    }

    /// Open every day, all day (for demos run at any hour).
    pub fn open_all_hours(&mut self) {
        let (open, close) = (
            NaiveTime::MIN,
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
        );
        self.hours = (0..7).map(|d| (d, (open, close))).collect();
        self.closed_dates.clear();
        self.japanese_holidays = false;
    }

    pub fn service(&self, id: &str) -> Option<&ServiceConfig> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn booth(&self, id: &str) -> Option<&BoothConfig> {
        self.booths.iter().find(|b| b.id == id)
    }

    /// The first day a service can be booked for, seen from `today`: the
    /// `lead_working_days`-th open day after today (today itself for 0).
    pub fn earliest_booking_day(&self, service: &ServiceConfig, today: NaiveDate) -> NaiveDate {
        let mut day = today;
        let mut open_days = 0;
        while open_days < service.lead_working_days {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            if self.hours_on(day).is_some() {
                open_days += 1;
            }
            if (day - today).num_days() > 366 {
                break; // an office that never opens: nothing is bookable anyway
            }
        }
        day
    }

    /// Opening hours of a date, or None when the office is closed that day.
    /// Today's opening hours at `now` (None: closed all day), and whether
    /// it is open at that moment.
    pub fn open_at(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (Option<(NaiveTime, NaiveTime)>, bool) {
        let local = now.with_timezone(&self.time_zone);
        let hours = self.hours_on(local.date_naive());
        let open = hours.is_some_and(|(from, to)| (from..to).contains(&local.time()));
        (hours, open)
    }

    pub fn hours_on(&self, date: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
        if self.closed_dates.contains(&date)
            || (self.japanese_holidays
                && (crate::rules::holidays::is_national_holiday(date)
                    || crate::rules::holidays::is_year_end(date)))
        {
            return None;
        }
        self.hours
            .get(&date.weekday().num_days_from_monday())
            .copied()
    }

    /// Booths that can serve a service: the capacity of its slots.
    pub fn booths_serving(&self, service: &str) -> usize {
        self.booths
            .iter()
            .filter(|b| b.services.iter().any(|s| s == service))
            .count()
    }

    pub fn to_wire_service(&self, s: &ServiceConfig) -> protocol::Service {
        protocol::Service {
            id: s.id.clone(),
            name: s.name.clone(),
            prefix: s.prefix.clone(),
            average_minutes: s.average_minutes,
            reservation_only: s.reservation_only,
            department: s.department.clone(),
            location: s.location.clone(),
        }
    }
}

/// `[security]`, `[mail]` and `[privacy]`: a city file's, or a lone
/// office file's (its `public_url` is set by the caller).
fn shared_settings(
    c: &mut Collector<'_>,
    security: &Option<toml::Spanned<toml::Value>>,
    mail: &Option<toml::Spanned<toml::Value>>,
    privacy: &Option<toml::Spanned<toml::Value>>,
    directory: &Option<toml::Spanned<toml::Value>>,
    offices: Option<&[String]>,
) -> Shared {
    let security_settings: SecuritySettings = match security {
        Some(v) => c.typed("[security]", v).unwrap_or_default(),
        None => SecuritySettings::default(),
    };
    if let Some(v) = security {
        let s = &security_settings;
        if s.session_hours < 1
            || s.login_failures < 1
            || s.login_window_minutes < 1
            || s.kiosk_requests_per_minute < 1
        {
            c.at(&v.span(), "[security] every setting must be at least 1");
        }
    }
    let mail_settings: MailSettings = match mail {
        Some(v) => c.typed("[mail]", v).unwrap_or_default(),
        None => MailSettings::default(),
    };
    if let Some(v) = mail {
        for p in mail_settings.problems() {
            c.at(&v.span(), p);
        }
    }
    let privacy_settings: PrivacySettings = match privacy {
        Some(v) => c.typed("[privacy]", v).unwrap_or_default(),
        None => PrivacySettings::default(),
    };
    if let Some(v) = privacy
        && !(1..=3650).contains(&privacy_settings.retention_days)
    {
        c.at(&v.span(), "[privacy] retention_days must be 1..=3650");
    }
    let directory_settings: Option<directory::DirectorySettings> =
        directory.as_ref().and_then(|v| c.typed("[directory]", v));
    if let (Some(v), Some(d)) = (directory, &directory_settings) {
        for p in d.problems(offices) {
            c.at(&v.span(), p);
        }
    }
    Shared {
        public_url: default_public_url(),
        security: security_settings,
        mail: mail_settings,
        privacy: privacy_settings,
        directory: directory_settings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_office_is_valid_and_has_the_okuyami_corner() {
        let office = Office::demo();
        let okuyami = office.service("okuyami").expect("okuyami service");
        assert!(okuyami.reservation_only);
        assert_eq!(office.booths_serving("okuyami"), 2);
        let t = &office.slot_templates[0];
        assert_eq!(t.minutes, 90);
        let starts: Vec<String> = t
            .starts
            .iter()
            .map(|s| s.format("%H:%M").to_string())
            .collect();
        assert_eq!(starts, ["09:00", "10:30", "13:30", "15:00"]);
    }

    #[test]
    fn the_demo_office_closes_on_holidays_and_over_the_year_end() {
        let office = Office::demo();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert!(office.hours_on(day(2026, 12, 1)).is_some(), "a Tuesday");
        assert!(office.hours_on(day(2026, 11, 23)).is_none(), "勤労感謝の日");
        assert!(office.hours_on(day(2026, 12, 29)).is_none(), "year end");
        assert!(office.hours_on(day(2027, 1, 11)).is_none(), "成人の日");
        assert!(office.hours_on(day(2027, 1, 4)).is_some(), "open again");
        let slots = crate::rules::booking::slots_for(
            &office,
            "okuyami",
            day(2026, 12, 28),
            day(2027, 1, 4),
        );
        let dates: BTreeSet<NaiveDate> = slots
            .iter()
            .map(|s| s.start.with_timezone(&office.time_zone).date_naive())
            .collect();
        assert_eq!(
            dates.into_iter().collect::<Vec<_>>(),
            vec![day(2026, 12, 28), day(2027, 1, 4)]
        );
    }

    #[test]
    fn working_days_of_lead_time_skip_weekends_and_holidays() {
        let office = Office::demo();
        let okuyami = office.service("okuyami").expect("okuyami");
        assert_eq!(okuyami.lead_working_days, 2);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            office.earliest_booking_day(okuyami, day(2026, 12, 1)),
            day(2026, 12, 3)
        );
        // Friday → Monday, Tuesday.
        assert_eq!(
            office.earliest_booking_day(okuyami, day(2026, 12, 4)),
            day(2026, 12, 8)
        );
        // Over the year end: 12/28 → 1/4, 1/5.
        assert_eq!(
            office.earliest_booking_day(okuyami, day(2026, 12, 28)),
            day(2027, 1, 5)
        );
        let shomei = office.service("shomei").expect("shomei");
        assert_eq!(
            office.earliest_booking_day(shomei, day(2026, 12, 1)),
            day(2026, 12, 1)
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let src = r#"
[office]
name = { ja = "テスト" }
time_zone = "Mars/Olympus"

[[services]]
id = "a"
prefix = "AA"
name = { ja = "A" }
average_minutes = 5
department = "x"
location = { ja = "1階" }

[[services]]
id = "a"
prefix = "B"
name = { en = "B" }
average_minutes = 0
department = "x"
location = { ja = "1階" }

[[booths]]
id = "1"
label = { ja = "1" }
location = { ja = "1" }
services = ["nope"]
"#;
        let err = Office::parse(src).expect_err("invalid");
        let lines: Vec<usize> = err.0.iter().map(|p| p.line).collect();
        let text = err.to_string();
        assert!(text.contains("Mars/Olympus"), "{text}");
        assert!(text.contains("prefix \"AA\""), "{text}");
        assert!(text.contains("used twice"), "{text}");
        assert!(text.contains("average_minutes"), "{text}");
        assert!(text.contains("unknown service \"nope\""), "{text}");
        assert!(
            lines.contains(&2),
            "office problems point at [office]: {lines:?}"
        );
        assert!(lines.contains(&6), "first service at line 6: {lines:?}");
        assert!(lines.contains(&14), "second service at line 14: {lines:?}");
        assert!(lines.contains(&22), "booth at line 22: {lines:?}");
        assert!(err.0.len() >= 6, "{text}");
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let err = Office::parse("[office]\nname = { ja = \"x\" \n").expect_err("bad toml");
        assert_eq!(err.0.len(), 1);
        assert!(err.0[0].line >= 2, "{:?}", err.0);
    }

    #[test]
    fn a_mistyped_field_does_not_hide_other_problems() {
        let src = r#"
[office]
name = { ja = "x" }

[[services]]
id = "a"
prefix = "A"
name = { ja = "A" }
average_minutes = "ten"
department = "x"
location = { ja = "1" }

[[booths]]
id = "1"
label = { ja = "1" }
location = { ja = "1" }
services = ["b"]
"#;
        let err = Office::parse(src).expect_err("invalid");
        assert!(err.0.iter().any(|p| p.line == 5), "{err}");
        assert!(err.0.iter().any(|p| p.line == 13), "{err}");
    }

    /// One service and one booth: the 18 lines before a test's own
    /// sections (the line numbers the tests expect count them).
    const SMALL_OFFICE: &str = r#"
[office]
name = { ja = "x" }

[[services]]
id = "o"
prefix = "O"
name = { ja = "O" }
average_minutes = 60
department = "x"
location = { ja = "1" }

[[booths]]
id = "1"
label = { ja = "1" }
location = { ja = "1" }
services = ["o"]
"#;

    #[test]
    fn questionnaire_mistakes_are_reported_with_their_lines() {
        let src = format!(
            "{SMALL_OFFICE}{}",
            r#"
[[questions]]
id = "age"
kind = "choice"
text = { ja = "年齢" }
choices = [{ id = "young", ja = "若い", en = "Young" }]

[[questions]]
id = "land"
kind = "maybe"
text = { en = "Land" }

[[procedures]]
id = "tax"
title = { ja = "税" }
department = "税務課"
where = { ja = "2階" }
what = { ja = "届" }
how = { ja = "持ち物" }
when_all = ["age=old", "pets=yes", "nonsense"]
form = { file = "forms/tax.typ", needs = ["details.deceased.nam"] }
"#
        );
        let err = Office::parse(&src).expect_err("invalid");
        let text = err.to_string();
        assert!(
            text.contains("line 19") && text.contains("at least two choices"),
            "{text}"
        );
        assert!(
            text.contains("line 25") && text.contains("\"maybe\""),
            "{text}"
        );
        assert!(text.contains("needs a Japanese text"), "{text}");
        assert!(
            text.contains("line 30") && text.contains("\"old\" is not an answer of \"age\""),
            "{text}"
        );
        assert!(text.contains("unknown question \"pets\""), "{text}");
        assert!(
            text.contains("\"nonsense\" is not question=answer"),
            "{text}"
        );
        assert!(
            text.contains("form needs \"details.deceased.nam\", which is no details.<field>"),
            "{text}"
        );
    }

    #[test]
    fn a_choice_may_carry_any_language_but_needs_japanese_and_english() {
        let src = format!(
            "{SMALL_OFFICE}{}",
            r#"
[[questions]]
id = "age"
kind = "choice"
text = { ja = "年齢", en = "Age" }
choices = [{ id = "young", ja = "若い", en = "Young", ko = "젊음", "ja-x-easy" = "｜若《わか》い" }, { id = "old", ja = "高齢", zh = "老年", xx = "?" }]
"#
        );
        let text = Office::parse(&src).expect_err("invalid").to_string();
        assert!(
            text.contains("line 19") && text.contains("choice \"old\" has no en text"),
            "{text}"
        );
        assert!(
            text.contains("choice \"old\": unknown language \"xx\""),
            "{text}"
        );
        assert!(!text.contains("choice \"young\""), "{text}");
        let fixed = src.replace(r#"zh = "老年", xx = "?""#, r#"en = "Old", zh = "老年""#);
        let office = Office::parse(&fixed).expect("valid");
        let young = &office.questionnaire.questions[0].choices[0];
        assert_eq!(young.text.get("ko").map(String::as_str), Some("젊음"));
    }
}
