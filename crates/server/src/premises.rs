//! The premises guard: the API answers only devices on the setting's own networks (DESIGN §2.4).
//!
//! The peer address comes from the connection itself. A forwarded-for header is believed only
//! from a reverse proxy the setting configured (`--trusted-proxy`), and then only the address
//! that proxy itself added: anyone can write the rest.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Premises {
    networks: Vec<IpNet>,
    proxies: Vec<IpAddr>,
}

/// The address a request is judged by (the peer, or the client behind a trusted proxy), kept
/// in the request's extensions for handlers that count attempts per address.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// As an extractor: the address the guard judged, so attempts are counted per client, never
/// per proxy (behind a trusted proxy every client shares the proxy's address). Outside the
/// guard (a route mounted without it), the peer itself.
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, AppError> {
        if let Some(judged) = parts.extensions.get::<ClientAddr>() {
            return Ok(*judged);
        }
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| ClientAddr(peer.ip()))
            .ok_or_else(|| AppError::internal("no peer address on the request"))
    }
}

impl Premises {
    /// The configured networks, or when none are configured: loopback and this machine's subnets.
    pub fn new(configured: &[IpNet], proxies: &[IpAddr]) -> Premises {
        let proxies: Vec<IpAddr> = proxies.iter().map(IpAddr::to_canonical).collect();
        if !configured.is_empty() {
            return Premises {
                networks: configured.to_vec(),
                proxies,
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
        Premises { networks, proxies }
    }

    /// Who is asking: the peer itself, or, when the peer is a trusted proxy, the right-most
    /// forwarded-for address that is not one of the trusted proxies (what the nearest proxy
    /// saw; anything to its left was written by the client). None if a trusted proxy did not
    /// say who its client is.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.to_canonical();
        if !self.proxies.contains(&peer) {
            return Some(peer);
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in forwarded.into_iter().rev() {
            let ip = hop.parse::<IpAddr>().ok()?.to_canonical();
            if !self.proxies.contains(&ip) {
                return Some(ip);
            }
        }
        None
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
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(client) = premises.client(peer.ip(), req.headers())
        && premises.allows(client)
    {
        req.extensions_mut().insert(ClientAddr(client));
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
        let p = Premises::new(&["127.0.0.1/32".parse().unwrap()], &[]);
        assert!(p.allows("127.0.0.1".parse().unwrap()));
        assert!(!p.allows("127.0.0.2".parse().unwrap()));
        assert!(!p.allows("::1".parse().unwrap()));
    }

    #[test]
    fn defaults_include_loopback_and_ipv4_mapped_addresses_count() {
        let p = Premises::new(&[], &[]);
        assert!(p.allows("127.0.0.5".parse().unwrap()));
        assert!(p.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!p.allows("203.0.113.9".parse().unwrap()));
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_a_trusted_proxy_is_believed_and_only_for_the_address_it_added() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let p = Premises::new(&["10.9.0.0/16".parse().unwrap()], &[proxy]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not a proxy: its own address, whatever it writes.
        assert_eq!(
            p.client(ip("127.0.0.2"), &forwarded(&["10.9.1.2"])),
            Some(ip("127.0.0.2"))
        );
        // The proxy's word for its client.
        assert_eq!(
            p.client(proxy, &forwarded(&["10.9.1.2"])),
            Some(ip("10.9.1.2"))
        );
        // A client that wrote its own header: the proxy appended the real address.
        assert_eq!(
            p.client(proxy, &forwarded(&["10.9.1.2, 192.0.2.7"])),
            Some(ip("192.0.2.7"))
        );
        assert_eq!(
            p.client(proxy, &forwarded(&["10.9.1.2", "192.0.2.7"])),
            Some(ip("192.0.2.7"))
        );
        // Chained trusted proxies are skipped.
        assert_eq!(
            p.client(proxy, &forwarded(&["10.9.1.2, 127.0.0.1"])),
            Some(ip("10.9.1.2"))
        );
        // A proxy that does not say, or says nonsense: nobody.
        assert_eq!(p.client(proxy, &HeaderMap::new()), None);
        assert_eq!(p.client(proxy, &forwarded(&["not-an-address"])), None);
    }
}
