//! Staff log-in from the city's directory (issue 21), against a real
//! OpenLDAP `slapd` started by the test with a throw-away directory
//! (`fixtures/ldap`): a user in a staff group logs in with the role,
//! offices and departments their groups give; a user in no group and a
//! wrong password are refused; with `slapd` stopped the answer says so
//! and nobody is let in, while a local account still works.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use protocol::ErrorCode;

use crate::helpers::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures/ldap");

/// A `slapd` of the test's own; stopped when dropped, also on failure.
struct Slapd {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sbin(tool: &str) -> String {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin"] {
        let p = format!("{dir}/{tool}");
        if std::path::Path::new(&p).exists() {
            return p;
        }
    }
    panic!("{tool} is missing: apt-get install slapd (scripts/setup.sh installs it)");
}

impl Slapd {
    fn start() -> Slapd {
        Slapd::start_with(None)
    }

    /// With `tls` (certificate and key, PEM): `ldaps://` only.
    fn start_with(tls: Option<(&str, &str)>) -> Slapd {
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("dir");
            let (conf, db) = (dir.path().join("slapd.d"), dir.path().join("db"));
            std::fs::create_dir_all(&conf).expect("slapd.d");
            std::fs::create_dir_all(&db).expect("db");
            let mut config = std::fs::read_to_string(format!("{FIXTURES}/config.ldif"))
                .expect("config.ldif")
                .replace("@DIR@", &dir.path().to_string_lossy());
            let scheme = match tls {
                Some((cert, key)) => {
                    let (c, k) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
                    std::fs::write(&c, cert).expect("cert");
                    std::fs::write(&k, key).expect("key");
                    config = config.replacen(
                        "olcToolThreads: 1\n",
                        &format!(
                            "olcToolThreads: 1\nolcTLSCertificateFile: {}\nolcTLSCertificateKeyFile: {}\n",
                            c.display(),
                            k.display()
                        ),
                        1,
                    );
                    "ldaps"
                }
                None => "ldap",
            };
            let config_file = dir.path().join("config.ldif");
            std::fs::write(&config_file, config).expect("config");
            for (n, ldif) in [
                ("0", config_file.clone()),
                ("1", format!("{FIXTURES}/data.ldif").into()),
            ] {
                let out = Command::new(sbin("slapadd"))
                    .args(["-q", "-n", n, "-F"])
                    .arg(&conf)
                    .arg("-l")
                    .arg(&ldif)
                    .output()
                    .expect("slapadd");
                assert!(
                    out.status.success(),
                    "slapadd: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            // -d keeps slapd in the foreground (without it, it detaches).
            let mut child = Command::new(sbin("slapd"))
                .args(["-d", "none", "-F"])
                .arg(&conf)
                .args(["-h", &format!("{scheme}://127.0.0.1:{port}/")])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("slapd starts");
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until {
                if child.try_wait().expect("wait").is_some() {
                    break; // the port was taken meanwhile: again
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Slapd {
                        child,
                        // TLS checks the name the certificate is for.
                        url: match scheme {
                            "ldaps" => format!("ldaps://localhost:{port}"),
                            _ => format!("ldap://127.0.0.1:{port}"),
                        },
                        _dir: dir,
                    };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("slapd did not start");
    }
}

/// The demo city with a `[directory]` pointing at `url`.
fn city_with_directory(url: &str, dir: &std::path::Path) -> madoguchi_server::config::City {
    city_with_directory_trusting(url, None, dir)
}

/// The same, with `ca_file` (a CA's PEM) for an `ldaps://` directory.
fn city_with_directory_trusting(
    url: &str,
    ca_pem: Option<&str>,
    dir: &std::path::Path,
) -> madoguchi_server::config::City {
    let out = Command::new(env!("CARGO_BIN_EXE_madoguchi-server"))
        .args(["demo-config", "--out"])
        .arg(dir)
        .output()
        .expect("demo-config");
    assert!(out.status.success());
    let secret = dir.join("directory-password");
    std::fs::write(&secret, "svc-pass\n").expect("secret");
    let ca_line = match ca_pem {
        Some(pem) => {
            let ca = dir.join("city-ca.pem");
            std::fs::write(&ca, pem).expect("CA");
            format!("ca_file = \"{}\"\n", ca.display())
        }
        None => String::new(),
    };
    let city = dir.join("city.toml");
    let mut text = std::fs::read_to_string(&city).expect("city.toml");
    text.push_str(&format!(
        r#"
[directory]
url = "{url}"
{ca_line}bind_dn = "cn=madoguchi,ou=services,dc=city,dc=example"
password_file = "{}"
user_base = "ou=people,dc=city,dc=example"
group_base = "ou=groups,dc=city,dc=example"
timeout_seconds = 2

[[directory.groups]]
dn = "cn=madoguchi-staff-honcho,ou=groups,dc=city,dc=example"
role = "staff"
offices = ["honcho"]

[[directory.groups]]
dn = "cn=madoguchi-staff-kita,ou=groups,dc=city,dc=example"
role = "staff"
offices = ["kita"]

[[directory.groups]]
dn = "cn=madoguchi-admins,ou=groups,dc=city,dc=example"
role = "admin"

[[directory.groups]]
dn = "cn=hoken-nenkin,ou=groups,dc=city,dc=example"
departments = ["保険年金課"]
"#,
        secret.display()
    ));
    std::fs::write(&city, text).expect("write");
    let mut city = madoguchi_server::config::City::load(&city).expect("the city file checks");
    for o in &mut city.offices {
        o.security.kiosk_requests_per_minute = 1_000_000;
    }
    city
}

#[tokio::test]
async fn staff_log_in_with_the_directory_and_nobody_while_it_is_down() {
    let slapd = Slapd::start();
    let conf = tempfile::tempdir().expect("dir");
    let t = spawn_city(
        city_with_directory(&slapd.url, conf.path()),
        TUESDAY_1005,
        None,
    )
    .await;

    // 田中 (staff group of 本庁舎): a clerk there, and only there.
    let tanaka = t
        .public
        .login("tanaka", "tanaka-pass")
        .await
        .expect("tanaka logs in");
    assert_eq!(tanaka.role, "staff");
    let clerk = t.public.with_token(&tanaka.token);
    clerk.staff_queue().await.expect("works at honcho");
    let kita = t.public.at_office("kita").with_token(&tanaka.token);
    assert_eq!(code(kita.staff_queue().await), (403, "wrong_office".into()));
    // 伊藤 (北支所 and 保険年金課): offices and departments from the groups.
    let ito = t
        .public
        .login("ito", "ito-pass")
        .await
        .expect("ito logs in");
    assert_eq!(ito.role, "staff");
    let row = t
        .app
        .store
        .user_by_name("ito")
        .await
        .expect("store")
        .expect("ito");
    assert_eq!(
        t.app.store.session_offices(row.id).await.expect("offices"),
        ["kita"]
    );
    assert_eq!(
        t.app
            .store
            .departments_of_user(row.id)
            .await
            .expect("departments"),
        ["保険年金課"]
    );
    // 鈴木 (admins): an admin.
    assert_eq!(
        t.public
            .login("suzuki", "suzuki-pass")
            .await
            .expect("suzuki")
            .role,
        "admin"
    );

    // In no group: refused with its reason; a wrong password and an
    // unknown name: the usual refusal; nobody got a session.
    assert_eq!(
        code(t.public.login("watanabe", "watanabe-pass").await),
        (403, ErrorCode::NotStaff.as_str().into())
    );
    assert_eq!(
        code(t.public.login("tanaka", "wrong").await),
        (401, "invalid_credentials".into())
    );
    assert_eq!(
        code(t.public.login("nobody", "x").await),
        (401, "invalid_credentials".into())
    );
    assert_eq!(
        code(t.public.login("tanaka", "").await),
        (401, "invalid_credentials".into())
    );
    // A filter in the name finds nobody.
    assert_eq!(
        code(t.public.login("ta*", "tanaka-pass").await),
        (401, "invalid_credentials".into())
    );
    // A directory account cannot log in with a password kept here.
    assert!(
        t.app
            .store
            .user_by_name("watanabe")
            .await
            .expect("store")
            .is_none(),
        "no account for a user in no group"
    );

    // slapd stopped: a clear 503, nobody let in — an open session stays.
    drop(slapd);
    let started = Instant::now();
    assert_eq!(
        code(t.public.login("tanaka", "tanaka-pass").await),
        (503, ErrorCode::DirectoryUnavailable.as_str().into())
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered within the timeout"
    );
    assert_eq!(code(t.public.login("tanaka", "wrong").await).0, 503);
    // The local account (an admin's, made with `user add`) still works.
    t.public
        .login("sato", STAFF_PASSWORD)
        .await
        .expect("local account");
    clerk.staff_queue().await.expect("an open session goes on");
}

/// LDAPS (`ldaps://`, as Active Directory serves it on port 636) with the
/// city's own certificate authority in `ca_file`: a clerk logs in over
/// TLS with the role and office the groups give; a server given another
/// CA does not trust the directory's certificate and lets nobody in (503).
#[tokio::test]
async fn staff_log_in_over_ldaps_with_the_citys_ca() {
    let (ca_pem, cert) = crate::tls::city_ca();
    let slapd = Slapd::start_with(Some((&cert.pem, &cert.key)));
    assert!(slapd.url.starts_with("ldaps://"), "{}", slapd.url);
    let conf = tempfile::tempdir().expect("dir");
    let t = spawn_city(
        city_with_directory_trusting(&slapd.url, Some(&ca_pem), conf.path()),
        TUESDAY_1005,
        None,
    )
    .await;
    let tanaka = t
        .public
        .login("tanaka", "tanaka-pass")
        .await
        .expect("tanaka logs in over ldaps");
    assert_eq!(tanaka.role, "staff");
    t.public
        .with_token(&tanaka.token)
        .staff_queue()
        .await
        .expect("a clerk of honcho");
    assert_eq!(
        code(t.public.login("tanaka", "wrong").await),
        (401, "invalid_credentials".into())
    );

    let (other_ca, _) = crate::tls::city_ca();
    let conf = tempfile::tempdir().expect("dir");
    let stranger = spawn_city(
        city_with_directory_trusting(&slapd.url, Some(&other_ca), conf.path()),
        TUESDAY_1005,
        None,
    )
    .await;
    assert_eq!(
        code(stranger.public.login("tanaka", "tanaka-pass").await),
        (503, ErrorCode::DirectoryUnavailable.as_str().into())
    );
}
