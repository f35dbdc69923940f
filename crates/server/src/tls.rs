//! The setting's own certificate authority and the server's HTTPS certificate.
//!
//! Tablets need a secure context (service workers, WebCrypto, the camera), and the setting has no
//! public domain. So on first run the server makes a CA, keeps its key in the data folder (owner
//! only), and offers the CA certificate for download; a manager installs it on each tablet once.
//! The server certificate is made afresh at each start for this machine's current names and
//! addresses, so a new IP from the router needs only a restart.

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use time::{Duration, OffsetDateTime};

pub struct Tls {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

const CA_CERT: &str = "ca-cert.pem";
const CA_KEY: &str = "ca-key.pem";

pub fn load_or_create(data_dir: &Path, names: &[String], ips: &[IpAddr]) -> anyhow::Result<Tls> {
    let (cert_path, key_path) = (data_dir.join(CA_CERT), data_dir.join(CA_KEY));
    let (ca_pem, ca_key) = if cert_path.exists() && key_path.exists() {
        let key = KeyPair::from_pem(&std::fs::read_to_string(&key_path)?)
            .context("reading the CA key")?;
        (std::fs::read_to_string(&cert_path)?, key)
    } else {
        let key = KeyPair::generate().context("generating the CA key")?;
        let cert = ca_params()
            .self_signed(&key)
            .context("signing the CA certificate")?;
        write_private(&key_path, key.serialize_pem())?;
        std::fs::write(&cert_path, cert.pem())?;
        (cert.pem(), key)
    };
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, ca_key).context("reading the CA certificate")?;

    let mut params = CertificateParams::new(names.to_vec()).context("server certificate names")?;
    params
        .subject_alt_names
        .extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "Burrow server");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    // Browsers refuse server certificates valid for more than 398 days.
    params.not_after = now + Duration::days(397);
    let key = KeyPair::generate().context("generating the server key")?;
    let cert = params
        .signed_by(&key, &issuer)
        .context("signing the server certificate")?;
    Ok(Tls {
        ca_pem,
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params
        .distinguished_name
        .push(DnType::CommonName, "Burrow setting certificate authority");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Burrow");
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(3650);
    params
}

/// Creates a file only the server's user can read; never overwrites one.
pub(crate) fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(contents.as_ref())?;
    Ok(())
}

/// The names and addresses a tablet might use to reach this machine.
pub fn local_names_and_ips() -> (Vec<String>, Vec<IpAddr>) {
    let mut names = vec!["localhost".to_owned()];
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        if !host.is_empty() {
            names.push(host.to_owned());
            names.push(format!("{host}.local"));
        }
    }
    let mut ips = vec![
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    for iface in if_addrs::get_if_addrs().unwrap_or_default() {
        let ip = iface.ip();
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    (names, ips)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_is_made_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let ips = ["127.0.0.1".parse().unwrap()];
        let first = load_or_create(dir.path(), &["localhost".into()], &ips).unwrap();
        let second = load_or_create(dir.path(), &["localhost".into()], &ips).unwrap();
        assert_eq!(first.ca_pem, second.ca_pem);
        assert_ne!(first.cert_pem, second.cert_pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(CA_KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the CA key must be readable by its owner only"
            );
        }
    }
}
