//! The premises guard: the API answers only devices on the setting's own networks (DESIGN §2.4).
//!
//! The peer address comes from the connection itself. Forwarded-for headers are never trusted:
//! anyone can write one.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Premises {
    networks: Vec<IpNet>,
}

impl Premises {
    /// The configured networks, or when none are configured: loopback and this machine's subnets.
    pub fn new(configured: &[IpNet]) -> Premises {
        if !configured.is_empty() {
            return Premises {
                networks: configured.to_vec(),
            };
        }
        let mut networks: Vec<IpNet> = vec![
            Ipv4Net::new_assert(Ipv4Addr::LOCALHOST, 8).into(),
            Ipv6Net::new_assert(Ipv6Addr::LOCALHOST, 128).into(),
        ];
        for iface in if_addrs::get_if_addrs().unwrap_or_default() {
            let net = match &iface.addr {
                if_addrs::IfAddr::V4(a) => {
                    Ipv4Net::with_netmask(a.ip, a.netmask).map(IpNet::from).ok()
                }
                if_addrs::IfAddr::V6(a) => {
                    Ipv6Net::with_netmask(a.ip, a.netmask).map(IpNet::from).ok()
                }
            };
            if let Some(net) = net.map(|n| n.trunc())
                && !networks.contains(&net)
            {
                networks.push(net);
            }
        }
        Premises { networks }
    }

    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|n| n.contains(&ip))
    }

    pub fn networks(&self) -> &[IpNet] {
        &self.networks
    }
}

pub async fn guard(
    State(premises): State<Arc<Premises>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if premises.allows(peer.ip()) {
        return next.run(req).await;
    }
    // No address in the log: a device's address can identify a family's phone.
    tracing::warn!(path = %req.uri().path(), "refused a request from outside the premises networks");
    AppError::refused(
        StatusCode::FORBIDDEN,
        "Burrow only answers devices on the setting's own network. Connect to the setting's Wi-Fi and try again.",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_networks_replace_the_defaults() {
        let p = Premises::new(&["127.0.0.1/32".parse().unwrap()]);
        assert!(p.allows("127.0.0.1".parse().unwrap()));
        assert!(!p.allows("127.0.0.2".parse().unwrap()));
        assert!(!p.allows("::1".parse().unwrap()));
    }

    #[test]
    fn defaults_include_loopback_and_ipv4_mapped_addresses_count() {
        let p = Premises::new(&[]);
        assert!(p.allows("127.0.0.5".parse().unwrap()));
        assert!(p.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!p.allows("203.0.113.9".parse().unwrap()));
    }
}
