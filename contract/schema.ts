import type { SchemaManifest } from "../schema/manifest.ts";

/**
 * The database the app needs, as supabase/migrations creates it. The schema
 * project checks a target against this; edit it when the migrations change.
 */
export const expectedSchema: SchemaManifest = {
  tables: [
    {
      schema: "public",
      name: "profiles",
      columns: [
        { name: "id", type: "uuid", nullable: false },
        { name: "email", type: "text", nullable: false },
        { name: "full_name", type: "text", nullable: true },
        { name: "created_at", type: "timestamp with time zone", nullable: false },
        { name: "updated_at", type: "timestamp with time zone", nullable: false },
      ],
      rls: true,
      policies: [
        { name: "Profiles are viewable by their owner", command: "SELECT" },
        { name: "Profiles are updatable by their owner", command: "UPDATE" },
      ],
    },
  ],
  functions: [{ schema: "public", name: "handle_new_user", securityDefiner: true }],
  triggers: [
    {
      name: "on_auth_user_created",
      table: "auth.users",
      function: "public.handle_new_user",
      timing: "AFTER",
      event: "INSERT",
    },
  ],
};
