-- The storage schema of a Supabase project, without the Storage API behind it:
-- the tables app migrations insert buckets into and write policies on, row
-- level security on both, Supabase's grants, and the path helpers policies
-- call. Names, types and grants follow supabase/storage's tenant migrations
-- (the columns up to owner_id, bucket types and custom metadata); object
-- versioning, prefixes, multipart uploads and analytics buckets are left out.
-- Runs again after `drop schema storage cascade` when the stack resets.

create schema storage authorization supabase_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
grant all on schema storage to supabase_storage_admin;
alter default privileges in schema storage grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema storage grant all on sequences to postgres, anon, authenticated, service_role;

create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');

create table storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  allowed_mime_types text[],
  file_size_limit bigint,
  owner_id text,
  type storage.buckettype not null default 'STANDARD'
);
create unique index bname on storage.buckets using btree (name);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';

create table storage.objects (
  id uuid not null primary key default gen_random_uuid(),
  bucket_id text constraint "objects_bucketId_fkey" references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb
);
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
create index name_prefix_search on storage.objects using btree (name text_pattern_ops);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

-- The Storage API owns the tables; the API roles may use them, and the
-- policies a migration writes decide which rows.
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
alter type storage.buckettype owner to supabase_storage_admin;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;

-- Path helpers for policies: 'user-id/photos/cat.png' has folders
-- {user-id,photos}, file name 'cat.png' and extension 'png' (a name without a
-- dot is its own extension, as in Supabase).
create function storage.foldername(name text) returns text[]
language sql immutable
as $$
  select parts[1 : cardinality(parts) - 1]
  from (select string_to_array(name, '/') as parts) as split
$$;

create function storage.filename(name text) returns text
language sql immutable
as $$
  select parts[cardinality(parts)]
  from (select string_to_array(name, '/') as parts) as split
$$;

create function storage.extension(name text) returns text
language sql immutable
as $$
  select (regexp_match(storage.filename(name), '([^.]*)$'))[1]
$$;

alter function storage.foldername(text) owner to supabase_storage_admin;
alter function storage.filename(text) owner to supabase_storage_admin;
alter function storage.extension(text) owner to supabase_storage_admin;
