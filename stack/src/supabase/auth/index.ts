import type { FastifyError, FastifyInstance } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { AuthError, sendAuthError } from "./errors.ts";
import { adminUserRoutes } from "./routes/admin-user.ts";
import { adminUsersRoutes } from "./routes/admin-users.ts";
import { jwksRoutes } from "./routes/jwks.ts";
import { logoutRoutes } from "./routes/logout.ts";
import { metaRoutes } from "./routes/meta.ts";
import { otpRoutes } from "./routes/otp.ts";
import { recoverRoutes } from "./routes/recover.ts";
import { resendRoutes } from "./routes/resend.ts";
import { signupRoutes } from "./routes/signup.ts";
import { tokenRoutes } from "./routes/token.ts";
import { userRoutes } from "./routes/user.ts";
import { verifyRoutes } from "./routes/verify.ts";

/** Supabase Auth (GoTrue) subset, mounted at /auth/v1. */
export async function authPlugin(app: FastifyInstance, context: SupabaseContext): Promise<void> {
  // GoTrue reads every body as JSON whatever its content type; routes decode it (body.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      const limit = request.routeOptions.bodyLimit ?? 1024 * 1024;
      return sendAuthError(
        request,
        reply,
        new AuthError(
          413,
          "request_entity_too_large",
          `Request body too large (max ${limit} bytes)`,
        ),
      );
    }
    if (!(error instanceof AuthError) && (error.statusCode ?? 500) < 500) {
      return sendAuthError(
        request,
        reply,
        new AuthError(error.statusCode ?? 400, "validation_failed", "Bad request"),
      );
    }
    return sendAuthError(request, reply, error);
  });

  app.setNotFoundHandler((request, reply) =>
    sendAuthError(request, reply, new AuthError(404, "not_found", "404 page not found")),
  );

  metaRoutes(app, context);
  jwksRoutes(app, context);
  signupRoutes(app, context);
  tokenRoutes(app, context);
  userRoutes(app, context);
  logoutRoutes(app, context);
  recoverRoutes(app, context);
  verifyRoutes(app, context);
  otpRoutes(app, context);
  resendRoutes(app, context);
  adminUsersRoutes(app, context);
  adminUserRoutes(app, context);
}
