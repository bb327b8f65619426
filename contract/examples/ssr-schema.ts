import type { SchemaManifest } from "../../schema/manifest.ts";

// The database of the ssr example app, as stack/apps/ssr/migrations creates it.

export const ssrSchema: SchemaManifest = {
  tables: [
    {
      schema: "public",
      name: "profiles",
      columns: [
        { name: "id", type: "uuid", nullable: false },
        { name: "username", type: "text", nullable: true },
        { name: "full_name", type: "text", nullable: true },
        { name: "avatar_url", type: "text", nullable: true },
        { name: "updated_at", type: "timestamp with time zone", nullable: true },
      ],
      rls: true,
      policies: [
        { name: "Public profiles are viewable by everyone.", command: "SELECT" },
        { name: "Users can insert their own profile.", command: "INSERT" },
        { name: "Users can update own profile.", command: "UPDATE" },
      ],
    },
    {
      schema: "public",
      name: "notes",
      columns: [
        { name: "id", type: "bigint", nullable: false },
        { name: "user_id", type: "uuid", nullable: false },
        { name: "body", type: "text", nullable: false },
        { name: "created_at", type: "timestamp with time zone", nullable: false },
      ],
      rls: true,
      policies: [
        { name: "Users can view their own notes.", command: "SELECT" },
        { name: "Users can insert their own notes.", command: "INSERT" },
        { name: "Users can update their own notes.", command: "UPDATE" },
        { name: "Users can delete their own notes.", command: "DELETE" },
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
