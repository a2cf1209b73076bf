namespace NanoChat.Appliance.Storage.Schema;

/// <summary>Version 1: accounts, the settings table, projects, notebooks and their revision history.</summary>
public sealed class V1_AccountsProjectsNotebooks : ISchemaMigration
{
    public int Version => 1;

    public string Sql => """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('student', 'instructor')),
            security_stamp TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX projects_owner ON projects(owner_id);
        CREATE TABLE notebooks (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            cells TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            revision INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX notebooks_project ON notebooks(project_id);
        CREATE INDEX notebooks_owner ON notebooks(owner_id);
        CREATE TABLE notebook_revisions (
            id INTEGER PRIMARY KEY,
            notebook_id INTEGER NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            name TEXT NOT NULL,
            cells TEXT NOT NULL,
            saved_at INTEGER NOT NULL,
            UNIQUE (notebook_id, revision)
        );
        """;
}
