import { createHash, timingSafeEqual } from 'node:crypto';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { DomainError } from '../functions/core/errors.ts';
import type { User } from '../schemas/records.ts';
import { loadOrCreateSecretFile } from './private-data.ts';

/** Token issuer and audience of local tokens; the CDK API stack's JWT authorizer uses Cognito's instead. */
export const LOCAL_ISSUER = 'local';
export const LOCAL_AUDIENCE = 'assistance-approvals';
const TOKEN_LIFETIME = '12h';
const DEMO_PASSWORD = 'demo';
const SECRET_BYTES = 32;

/** Demo users (docs/operations.md), password `demo`; fixed subs keep case ownership across restarts. */
export const DEMO_USERS: readonly User[] = [
  {
    sub: 'demo-applicant',
    username: 'applicant',
    name: '张建国（农户）',
    role: 'applicant',
    jurisdiction: '611002100201',
  },
  {
    sub: 'demo-village',
    username: 'village',
    name: '李秀英（村两委）',
    role: 'village_reviewer',
    jurisdiction: '611002100201',
  },
  {
    sub: 'demo-township',
    username: 'township',
    name: '王磊（乡镇乡村振兴办）',
    role: 'township_reviewer',
    jurisdiction: '611002100',
  },
  {
    sub: 'demo-county',
    username: 'county',
    name: '赵敏（县乡村振兴局）',
    role: 'county_reviewer',
    jurisdiction: '611002',
  },
  {
    sub: 'demo-auditor',
    username: 'auditor',
    name: '陈刚（县审计局）',
    role: 'auditor',
    jurisdiction: '611002',
  },
  { sub: 'demo-admin', username: 'admin', name: '刘洋（县信息中心）', role: 'admin', jurisdiction: '611002' },
  {
    sub: 'demo-village2',
    username: 'village2',
    name: '孙丽（另一村两委）',
    role: 'village_reviewer',
    jurisdiction: '611002101202',
  },
  {
    sub: 'demo-township2',
    username: 'township2',
    name: '周强（另一乡镇）',
    role: 'township_reviewer',
    jurisdiction: '611002101',
  },
  // colleagues of `village` and `township`: someone to reassign a task to
  {
    sub: 'demo-village_b',
    username: 'village_b',
    name: '吴芳（村两委）',
    role: 'village_reviewer',
    jurisdiction: '611002100201',
  },
  {
    sub: 'demo-township_b',
    username: 'township_b',
    name: '郑伟（乡镇乡村振兴办）',
    role: 'township_reviewer',
    jurisdiction: '611002100',
  },
];

export interface LocalAuth {
  /** A signed token for a demo user; throws DomainError `unauthorized` on a wrong username or password. */
  login(username: string, password: string): Promise<{ token: string; user: User }>;
  /** The claims of a valid local token, or null (bad signature, issuer, audience; no exp, iat or sub; expired). */
  verify(token: string): Promise<JWTPayload | null>;
  readonly users: readonly User[];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time password check: hashing first gives equal lengths, so timingSafeEqual never short-circuits. */
const samePassword = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * The local runtime's stand-in for Cognito: HS256 tokens with the claims API Gateway's JWT authorizer would
 * pass on (sub, role, jurisdiction, name, username).
 */
export function createLocalAuth(secret: Uint8Array, users: readonly User[] = DEMO_USERS): LocalAuth {
  if (secret.byteLength < SECRET_BYTES)
    throw new Error(`the JWT secret needs at least ${SECRET_BYTES} bytes`);
  const byName = new Map(users.map((u) => [u.username, u]));
  return {
    users,
    async login(username, password) {
      const user = byName.get(username);
      // Compare even for an unknown user, so response time does not tell which usernames exist.
      const ok = samePassword(password, DEMO_PASSWORD) && user !== undefined;
      if (!ok) throw new DomainError('unauthorized', 'wrong username or password');
      const token = await new SignJWT({
        role: user.role,
        jurisdiction: user.jurisdiction,
        name: user.name,
        username: user.username,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(secret);
      return { token, user };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          // as Cognito's: a token always expires, and none lives longer than a login gives, whatever its exp says
          requiredClaims: ['exp', 'iat', 'sub'],
          maxTokenAge: TOKEN_LIFETIME,
        });
        return payload;
      } catch {
        return null;
      }
    },
  };
}

/** The signing secret kept in `<dataDir>/jwt-secret` (0600), so tokens stay valid across restarts. */
export const loadOrCreateSecret = (dataDir: string): Promise<Uint8Array> =>
  loadOrCreateSecretFile(dataDir, 'jwt-secret', SECRET_BYTES);
