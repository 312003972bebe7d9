//! `/openapi.json` as the server enforces it. utoipa writes the shapes
//! from the wire types; this adds what they cannot know: each field's rule
//! from `rules::input` (the schema beside the parser), and what the
//! office's configuration decides (its procedure ids, its questionnaire).
//! A client generated from the document sends what the server accepts.

use serde_json::{Map, Value, json};

use protocol::QuestionKind;

use crate::config::Office;
use crate::rules::input::{
    DeviceName, DeviceRole, Documented, Email, IdempotencyKey, Language, NoteText, Password, Phone,
    Reason, StaffRole, Username, VisitorName,
};

/// Merges `rule` into the schema of `property` of component `schema`
/// (for an optional field, into its string alternative as well).
fn constrain(doc: &mut Value, schema: &str, property: &str, rule: Value) {
    let Some(p) = doc
        .pointer_mut(&format!(
            "/components/schemas/{schema}/properties/{property}"
        ))
        .and_then(Value::as_object_mut)
    else {
        // A renamed field must not silently lose its rule.
        panic!("OpenAPI: no property {schema}.{property} to document");
    };
    let nullable = match p.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    if let Value::Object(rule) = rule {
        for (k, mut v) in rule {
            // An optional field may still be left out as null.
            if k == "enum"
                && nullable
                && let Value::Array(values) = &mut v
            {
                values.push(Value::Null);
            }
            p.insert(k, v);
        }
    }
}

/// Merges `rule` into the schema of query parameter `name` of `method path`.
fn constrain_param(doc: &mut Value, method: &str, path: &str, name: &str, rule: Value) {
    let params = doc
        .pointer_mut(&format!(
            "/paths/{}/{method}/parameters",
            path.replace('/', "~1")
        ))
        .and_then(Value::as_array_mut);
    let Some(p) = params.and_then(|ps| {
        ps.iter_mut()
            .find(|p| p["name"] == name && p["in"] == "query")
    }) else {
        panic!("OpenAPI: no query parameter {name} of {method} {path} to document");
    };
    if let (Some(schema), Value::Object(rule)) =
        (p.get_mut("schema").and_then(Value::as_object_mut), rule)
    {
        schema.extend(rule);
    }
}

/// The schema of a questionnaire's answers, as `POST /okuyami/checklist`
/// checks them: every required question answered, choices by id.
fn answers_schema(office: &Office) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for q in &office.questionnaire.questions {
        // A question that need not be answered may also be null.
        let mut choices: Vec<Value> = match q.kind {
            QuestionKind::YesNo => vec![true.into(), false.into(), "yes".into(), "no".into()],
            QuestionKind::Choice => q.choices.iter().map(|c| c.id.clone().into()).collect(),
        };
        if !q.required {
            choices.push(Value::Null);
        }
        let schema = json!({ "enum": choices });
        properties.insert(q.id.clone(), schema);
        if q.required {
            required.push(q.id.clone());
        }
    }
    json!({
        "type": "object",
        "description": "Question id → answer (yes/no questions: true/false or \"yes\"/\"no\"; choices: the choice id).",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The finished document for this office.
/// Every office route's `{office}`: one of the city's office ids.
fn office_param(doc: &mut Value, offices: &[&str]) {
    let Some(paths) = doc.pointer_mut("/paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if !path.contains("{office}") {
            continue;
        }
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for op in ops.values_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let params = op
                .entry("parameters")
                .or_insert_with(|| json!([]))
                .as_array_mut();
            if let Some(params) = params {
                params.insert(
                    0,
                    json!({
                        "name": "office",
                        "in": "path",
                        "required": true,
                        "description": "office id (GET /api/v1/offices)",
                        "schema": { "type": "string", "enum": offices },
                    }),
                );
            }
        }
    }
}

/// The document, with what validation and the city's configuration
/// decide (office ids, procedure ids of every office, limits).
pub fn document(city: &crate::config::City, doc: &utoipa::openapi::OpenApi) -> Value {
    let office = city.first();
    let mut doc = serde_json::to_value(doc).unwrap_or_else(|_| json!({}));
    let d = &mut doc;
    constrain(d, "NewStaffUser", "username", Username::schema());
    constrain(d, "NewStaffUser", "password", Password::schema());
    constrain(d, "NewStaffUser", "role", StaffRole::schema());
    constrain(d, "NewDevice", "name", DeviceName::schema());
    constrain(d, "NewDevice", "role", DeviceRole::schema());
    constrain(d, "StaffCancel", "reason", Reason::schema());
    constrain(d, "StaffMove", "reason", Reason::schema());
    constrain(d, "NoteRequest", "text", NoteText::schema());
    constrain(d, "TransferRequest", "note", NoteText::schema());
    constrain(d, "CreateReservation", "name", VisitorName::schema());
    constrain(d, "CreateReservation", "email", Email::schema());
    constrain(d, "CreateReservation", "phone", Phone::schema());
    constrain(d, "CreateReservation", "language", Language::schema());
    for (schema, property, rule) in crate::rules::details::field_schemas() {
        constrain(d, schema, property, rule);
    }
    constrain(d, "NotifyRequest", "email", Email::schema());
    constrain(d, "NotifyRequest", "lang", Language::schema());
    constrain(
        d,
        "NotifyRequest",
        "ahead",
        json!({ "minimum": 1, "maximum": crate::config::mail::MAX_NOTIFY_AHEAD }),
    );
    constrain(d, "CheckinRequest", "language", Language::schema());
    constrain(
        d,
        "CheckinRequest",
        "code",
        json!({ "minLength": 1, "maxLength": crate::rules::booking::MAX_SCANNED_CODE }),
    );
    constrain(d, "WalkInRequest", "language", Language::schema());
    constrain(
        d,
        "WalkInRequest",
        "idempotency_key",
        IdempotencyKey::schema(),
    );
    constrain(d, "LoginRequest", "username", json!({ "maxLength": 100 }));
    constrain(d, "LoginRequest", "password", json!({ "maxLength": 1024 }));
    // What the offices' configuration decides: a request names one
    // office, so the union over the city.
    let ids: Vec<&str> = city.offices.iter().map(|o| o.id.as_str()).collect();
    office_param(d, &ids);
    constrain(d, "NewDevice", "office", json!({ "enum": ids }));
    constrain(
        d,
        "NewStaffUser",
        "offices",
        json!({ "items": { "type": "string", "enum": ids } }),
    );
    let departments = crate::app::city_departments(city);
    if !departments.is_empty() {
        constrain(
            d,
            "NewStaffUser",
            "departments",
            json!({ "items": { "type": "string", "enum": departments } }),
        );
    }
    let mut services: Vec<&str> = Vec::new();
    let mut bookable: Vec<&str> = Vec::new();
    for o in &city.offices {
        for s in &o.services {
            if !services.contains(&s.id.as_str()) {
                services.push(&s.id);
            }
            if o.slot_templates.iter().any(|t| t.service == s.id)
                && !bookable.contains(&s.id.as_str())
            {
                bookable.push(&s.id);
            }
        }
    }
    let office = city
        .offices
        .iter()
        .find(|o| !o.questionnaire.questions.is_empty())
        .unwrap_or(office);
    constrain(
        d,
        "CreateReservation",
        "service",
        json!({ "enum": bookable }),
    );
    constrain(d, "TransferRequest", "service", json!({ "enum": services }));
    constrain(
        d,
        "WalkInRequest",
        "services",
        json!({ "minItems": 1, "uniqueItems": true, "items": { "type": "string", "enum": services } }),
    );
    constrain(d, "ChecklistRequest", "answers", answers_schema(office));
    let date = || json!({ "format": "date" });
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/slots",
        "service",
        json!({ "enum": bookable }),
    );
    constrain_param(d, "get", "/api/v1/offices/{office}/slots", "from", date());
    constrain_param(d, "get", "/api/v1/admin/details-audit", "date", date());
    constrain_param(d, "get", "/api/v1/offices/{office}/slots", "to", date());
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/staff/reservations",
        "date",
        date(),
    );
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/staff/prep",
        "date",
        date(),
    );
    // Empty is "every department", like leaving it out.
    let mut departments = office.questionnaire.departments();
    departments.push(String::new());
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/staff/prep",
        "department",
        json!({ "enum": departments }),
    );
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/staff/forms",
        "date",
        date(),
    );
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/staff/forms",
        "department",
        json!({ "enum": office.questionnaire.departments() }),
    );
    // The statistics of one office and of the city take the same query.
    for path in [
        "/api/v1/offices/{office}/staff/stats",
        "/api/v1/staff/stats",
    ] {
        constrain_param(d, "get", path, "from", date());
        constrain_param(d, "get", path, "to", date());
        constrain_param(d, "get", path, "format", json!({ "enum": ["json", "csv"] }));
        constrain_param(
            d,
            "get",
            path,
            "lang",
            json!({ "enum": messages::STAFF_LANGUAGES }),
        );
    }
    constrain_param(
        d,
        "get",
        "/api/v1/offices/{office}/events",
        "since",
        json!({ "pattern": "^([0-9]{1,18}|now)$" }),
    );
    doc
}
