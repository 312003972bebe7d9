//! JSON request bodies and questionnaire answers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use madoguchi_server::config::Office;

fn office() -> &'static Office {
    static OFFICE: std::sync::OnceLock<Office> = std::sync::OnceLock::new();
    OFFICE.get_or_init(Office::demo)
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = serde_json::from_value::<protocol::CreateReservation>(v.clone());
    let _ = serde_json::from_value::<protocol::WalkInRequest>(v.clone());
    let _ = serde_json::from_value::<protocol::CheckinRequest>(v.clone());
    let _ = serde_json::from_value::<protocol::NotifyRequest>(v.clone());
    let _ = serde_json::from_value::<protocol::TransferRequest>(v.clone());
    if let serde_json::Value::Object(answers) = &v {
        let q = &office().questionnaire;
        for strict in [true, false] {
            if let Ok(a) = madoguchi_server::rules::checklist::normalize(q, answers, strict) {
                let _ = madoguchi_server::rules::checklist::checklist(q, &a);
            }
        }
    }
});
