//! JWTs: HS256 only. The algorithm is pinned on both sides; a token whose
//! header names any other algorithm (`none` included) is refused.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::time::now;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub username: String,
    pub adm: bool,
    pub stamp: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct Jwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: i64,
}

impl Jwt {
    /// `secret` is never empty: the config refuses short secrets and the stored one is generated.
    pub fn new(secret: &[u8], ttl: i64) -> Result<Jwt, String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        let bad = |e: jsonwebtoken::errors::Error| format!("unusable JWT secret: {e}");
        Ok(Jwt {
            encoding: EncodingKey::from_secret(secret).map_err(bad)?,
            decoding: DecodingKey::from_secret(secret).map_err(bad)?,
            validation,
            ttl,
        })
    }

    pub fn issue(
        &self,
        user_id: &str,
        username: &str,
        is_admin: bool,
        stamp: &str,
    ) -> ApiResult<String> {
        let iat = now();
        let claims = Claims {
            sub: user_id.to_string(),
            username: username.to_string(),
            adm: is_admin,
            stamp: stamp.to_string(),
            iat,
            exp: iat + self.ttl,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    /// The claims of a token whose signature, algorithm and expiry are good.
    /// (Whether the user still accepts it is the caller module's business.)
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}
