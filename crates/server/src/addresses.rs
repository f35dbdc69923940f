//! Where tablets and phones find this server on the setting's network: its real addresses, for
//! the banner and the manager's Settings, and each as a QR code, so a tablet is set up by
//! pointing its camera at a screen (issue 17).

use qrcode::QrCode;
use qrcode::render::{svg, unicode};
use std::net::{IpAddr, SocketAddr};

/// The HTTPS addresses a device on the setting's network can open: the one the server listens
/// on, or, listening on every interface, each of this computer's own addresses except loopback
/// and link-local ones (which no tablet can reach). IPv4 first: what people read and type.
pub fn on_network(https: SocketAddr) -> Vec<String> {
    let ip = https.ip();
    let ips: Vec<IpAddr> = if ip.is_unspecified() {
        let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.ip())
            .filter(|ip| reachable(*ip) && (ip.is_ipv4() || https.is_ipv6()))
            .collect();
        found.sort_by_key(|ip| (ip.is_ipv6(), *ip));
        found.dedup();
        found
    } else {
        vec![ip]
    };
    ips.into_iter()
        .map(|ip| format!("https://{}", SocketAddr::new(ip, https.port())))
        .collect()
}

fn reachable(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_link_local() && !v4.is_unspecified(),
        IpAddr::V6(v6) => !v6.is_loopback() && !v6.is_unspecified() && !v6.is_unicast_link_local(),
    }
}

/// Where a device downloads the setting's certificate at `address`.
pub fn certificate(address: &str) -> String {
    format!("{address}/burrow-ca.crt")
}

/// A QR code of `text` drawn with half blocks, for a terminal (dark on light, with the quiet
/// zone phone cameras need).
pub fn qr_for_terminal(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

/// Two drawings printed beside each other, the shorter padded so neither loses a line.
pub fn side_by_side(left: &str, right: &str) -> Vec<String> {
    let width = left.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let rows = left.lines().count().max(right.lines().count());
    let (mut a, mut b) = (left.lines(), right.lines());
    (0..rows)
        .map(|_| {
            let l = a.next().unwrap_or("");
            let pad = width - l.chars().count();
            format!("{l}{}  {}", " ".repeat(pad), b.next().unwrap_or(""))
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// A QR code of `text` as an SVG image, for the manager's screen.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_one_address_shows_that_one_and_never_loopback_for_all() {
        let one: SocketAddr = "192.168.1.20:8443".parse().unwrap();
        assert_eq!(on_network(one), vec!["https://192.168.1.20:8443"]);
        let all: SocketAddr = "0.0.0.0:8443".parse().unwrap();
        for a in on_network(all) {
            assert!(!a.contains("127.0.0.1") && !a.contains("169.254."), "{a}");
            assert!(a.starts_with("https://") && a.ends_with(":8443"), "{a}");
        }
    }

    #[test]
    fn the_codes_hold_the_address() {
        let svg = qr_svg("https://192.168.1.20:8443").unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        let open = qr_for_terminal("https://192.168.1.20:8443").unwrap();
        let cert = qr_for_terminal("https://192.168.1.20:8443/burrow-ca.crt").unwrap();
        let both = side_by_side(&cert, &open);
        assert_eq!(both.len(), cert.lines().count().max(open.lines().count()));
        for (row, line) in both.iter().enumerate() {
            assert!(line.starts_with(cert.lines().nth(row).unwrap_or("")));
            assert!(line.ends_with(open.lines().nth(row).unwrap_or("").trim_end()));
        }
    }
}
