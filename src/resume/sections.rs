//! The five résumé sections, described once as data. Validation, SQL, the
//! API shape and the JSON Resume mapping are all driven by these tables, so a
//! section is one entry here, not five copies of the same code.

use rusqlite::types::Value as Sql;
use serde_json::{Map, Value, json};

use crate::error::FieldError;
use crate::time::{parse_resume_date, rfc3339};
use crate::validate::{Fields, Patch, is_web_url};

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Free text of at most `max` characters; `min` > 0 makes it required.
    Text {
        min: usize,
        max: usize,
    },
    Url,
    Date,
    /// Whole years 0–70.
    Years,
    /// A list of at most `items` strings of at most `len` characters.
    List {
        items: usize,
        len: usize,
    },
}

#[derive(Debug)]
pub struct Col {
    /// The API field and the SQL column.
    pub name: &'static str,
    /// The key in a JSON Resume item.
    pub jr: &'static str,
    pub kind: Kind,
}

pub struct Section {
    pub name: &'static str,
    /// The JSON Resume array this section maps to.
    pub jr: &'static str,
    pub cols: &'static [Col],
    /// (start, end) columns: the end may not come before the start.
    pub span: Option<(&'static str, &'static str)>,
    /// Human label for answers and pages.
    pub label: &'static str,
}

const fn text(name: &'static str, jr: &'static str, max: usize) -> Col {
    Col {
        name,
        jr,
        kind: Kind::Text { min: 0, max },
    }
}
const fn required(name: &'static str, jr: &'static str, max: usize) -> Col {
    Col {
        name,
        jr,
        kind: Kind::Text { min: 1, max },
    }
}
const fn url(name: &'static str, jr: &'static str) -> Col {
    Col {
        name,
        jr,
        kind: Kind::Url,
    }
}
const fn date(name: &'static str, jr: &'static str) -> Col {
    Col {
        name,
        jr,
        kind: Kind::Date,
    }
}
const fn list(name: &'static str, jr: &'static str, items: usize, len: usize) -> Col {
    Col {
        name,
        jr,
        kind: Kind::List { items, len },
    }
}

/// The most rows one section may hold.
pub const MAX_ROWS: usize = 100;

pub const SKILLS: Section = Section {
    name: "skills",
    jr: "skills",
    label: "Skills",
    span: None,
    cols: &[
        required("name", "name", 100),
        text("level", "level", 50),
        Col {
            name: "years",
            jr: "years",
            kind: Kind::Years,
        },
        text("category", "category", 50),
        list("keywords", "keywords", 20, 50),
    ],
};

pub const EXPERIENCE: Section = Section {
    name: "experience",
    jr: "work",
    label: "Work Experience",
    span: Some(("start_date", "end_date")),
    cols: &[
        required("company", "name", 200),
        required("title", "position", 200),
        date("start_date", "startDate"),
        date("end_date", "endDate"),
        text("location", "location", 200),
        url("url", "url"),
        text("summary", "summary", 5000),
        list("highlights", "highlights", 20, 500),
    ],
};

pub const EDUCATION: Section = Section {
    name: "education",
    jr: "education",
    label: "Education",
    span: Some(("start_date", "end_date")),
    cols: &[
        required("institution", "institution", 200),
        text("area", "area", 200),
        text("study_type", "studyType", 200),
        date("start_date", "startDate"),
        date("end_date", "endDate"),
        text("score", "score", 50),
        list("courses", "courses", 30, 200),
    ],
};

pub const PROJECTS: Section = Section {
    name: "projects",
    jr: "projects",
    label: "Projects",
    span: Some(("start_date", "end_date")),
    cols: &[
        required("name", "name", 200),
        text("description", "description", 5000),
        url("url", "url"),
        url("repo_url", "repoUrl"),
        date("start_date", "startDate"),
        date("end_date", "endDate"),
        list("highlights", "highlights", 20, 500),
        list("keywords", "keywords", 20, 50),
    ],
};

pub const CERTIFICATIONS: Section = Section {
    name: "certifications",
    jr: "certificates",
    label: "Certifications",
    span: Some(("date", "expires")),
    cols: &[
        required("name", "name", 200),
        required("issuer", "issuer", 200),
        date("date", "date"),
        date("expires", "expires"),
        url("url", "url"),
        text("credential_id", "credentialId", 200),
    ],
};

/// In the default layout order.
pub const ALL: [&Section; 5] = [&EXPERIENCE, &EDUCATION, &SKILLS, &PROJECTS, &CERTIFICATIONS];

pub fn by_name(name: &str) -> Option<&'static Section> {
    ALL.into_iter().find(|s| s.name == name)
}

/// One row's values, in the order of `Section::cols`; `Null` where empty.
pub type Cells = Vec<Value>;

impl Section {
    /// Reads and checks every column from `f`, by API name or JSON Resume key.
    /// Problems land in `f`.
    pub fn read(&self, f: &mut Fields, json_resume: bool) -> Cells {
        let mut cells = Vec::with_capacity(self.cols.len());
        for col in self.cols {
            let key = if json_resume { col.jr } else { col.name };
            // A JSON Resume document means an empty string as "absent".
            let opt = |p: Patch<String>| match p {
                Patch::Set(s) if json_resume && s.is_empty() => Value::Null,
                other => opt(other),
            };
            let value = match col.kind {
                Kind::Text { min: 0, max } => opt(f.optional_string(key, max)),
                // JSON Resume requires nothing: an item without the field is
                // kept with it empty, and exported without it again.
                Kind::Text { max, .. } if json_resume => match f.optional_string(key, max) {
                    Patch::Set(s) => Value::String(s),
                    _ => Value::String(String::new()),
                },
                Kind::Text { min, max } => f
                    .required_string(key, min, max)
                    .map_or(Value::Null, Value::String),
                Kind::Url => match f.optional_string(key, 2000) {
                    Patch::Set(s) if !s.is_empty() && !is_web_url(&s) => {
                        f.error(
                            key,
                            "invalid_format",
                            "must be a web address (http or https)",
                        );
                        Value::Null
                    }
                    other => opt(other),
                },
                Kind::Date => match f.optional_string(key, 10) {
                    Patch::Set(s) if json_resume && s.is_empty() => Value::Null,
                    Patch::Set(s) if parse_resume_date(&s).is_none() => {
                        f.error(
                            key,
                            "invalid_date",
                            "must be a date: YYYY, YYYY-MM or YYYY-MM-DD, year 1000-2999",
                        );
                        Value::Null
                    }
                    other => opt(other),
                },
                Kind::Years => match f.int(key, 0, 70) {
                    Patch::Set(n) => json!(n),
                    _ => Value::Null,
                },
                Kind::List { items, len } => match f.string_list(key, items, len) {
                    Patch::Set(v) => json!(v),
                    _ => Value::Null,
                },
            };
            cells.push(value);
        }
        if let Some((start, end)) = self.span {
            let get = |name: &str| {
                let i = self.index(name);
                cells[i].as_str().and_then(parse_resume_date)
            };
            if let (Some(s), Some(e)) = (get(start), get(end))
                && e.last_day() < s.first_day()
            {
                let key = if json_resume {
                    self.cols[self.index(end)].jr
                } else {
                    end
                };
                f.error(key, "before_start", format!("cannot come before {start}"));
            }
        }
        cells
    }

    pub fn index(&self, col: &str) -> usize {
        self.cols
            .iter()
            .position(|c| c.name == col)
            .expect("a column of this section")
    }

    pub fn cell<'a>(&self, cells: &'a Cells, col: &str) -> &'a Value {
        &cells[self.index(col)]
    }

    fn columns(&self) -> String {
        self.cols
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Rows of owner `?1` (and, with `one`, only the row of id `?2`).
    pub fn select_sql(&self, one: bool) -> String {
        format!(
            "SELECT id, position, created_at, updated_at, extra, {} FROM {} WHERE user_id = ?1{} ORDER BY position, created_at, rowid",
            self.columns(),
            self.name,
            if one { " AND id = ?2" } else { "" }
        )
    }

    pub fn insert_sql(&self) -> String {
        let marks: Vec<String> = (0..self.cols.len())
            .map(|i| format!("?{}", i + 7))
            .collect();
        format!(
            "INSERT INTO {} (id, user_id, position, created_at, updated_at, extra, {}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {})",
            self.name,
            self.columns(),
            marks.join(", ")
        )
    }

    pub fn update_sql(&self) -> String {
        let sets: Vec<String> = self
            .cols
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = ?{}", c.name, i + 5))
            .collect();
        format!(
            "UPDATE {} SET position = ?3, updated_at = ?4, {} WHERE id = ?1 AND user_id = ?2",
            self.name,
            sets.join(", ")
        )
    }

    /// The cells as SQL parameters.
    pub fn to_sql(&self, cells: &Cells) -> Vec<Sql> {
        cells
            .iter()
            .map(|v| match v {
                Value::Null => Sql::Null,
                Value::String(s) => Sql::Text(s.clone()),
                Value::Number(n) => Sql::Integer(n.as_i64().unwrap_or_default()),
                other => Sql::Text(other.to_string()),
            })
            .collect()
    }

    fn read_cells(&self, row: &rusqlite::Row, first: usize) -> rusqlite::Result<Cells> {
        let mut cells = Vec::with_capacity(self.cols.len());
        for (i, col) in self.cols.iter().enumerate() {
            let v = match col.kind {
                Kind::Years => row
                    .get::<_, Option<i64>>(first + i)?
                    .map_or(Value::Null, |n| json!(n)),
                Kind::List { .. } => row
                    .get::<_, Option<String>>(first + i)?
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or(Value::Null),
                _ => row
                    .get::<_, Option<String>>(first + i)?
                    .map_or(Value::Null, Value::String),
            };
            cells.push(v);
        }
        Ok(cells)
    }

    /// Every row of one owner, in position order.
    pub fn load(&self, conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<Vec<Row>> {
        self.query(conn, false, &[&user_id])
    }

    /// One row of one owner: `None` for another owner's row, like an unknown one.
    pub fn load_one(
        &self,
        conn: &rusqlite::Connection,
        user_id: &str,
        id: &str,
    ) -> rusqlite::Result<Option<Row>> {
        Ok(self.query(conn, true, &[&user_id, &id])?.pop())
    }

    fn query(
        &self,
        conn: &rusqlite::Connection,
        one: bool,
        args: &[&dyn rusqlite::ToSql],
    ) -> rusqlite::Result<Vec<Row>> {
        let mut stmt = conn.prepare_cached(&self.select_sql(one))?;
        let rows = stmt.query_map(args, |r| {
            Ok(Row {
                id: r.get(0)?,
                position: r.get(1)?,
                created_at: r.get(2)?,
                updated_at: r.get(3)?,
                extra: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
                cells: self.read_cells(r, 5)?,
            })
        })?;
        rows.collect()
    }

    /// The API shape of a row; `public` leaves out the bookkeeping timestamps.
    pub fn row_json(&self, row: &Row, public: bool) -> Value {
        let mut obj = Map::new();
        obj.insert("id".into(), json!(row.id));
        obj.insert("position".into(), json!(row.position));
        for (col, v) in self.cols.iter().zip(&row.cells) {
            let v = match (col.kind, v) {
                (Kind::List { .. }, Value::Null) => json!([]),
                _ => v.clone(),
            };
            obj.insert(col.name.into(), v);
        }
        if !public {
            obj.insert("created_at".into(), json!(rfc3339(row.created_at)));
            obj.insert("updated_at".into(), json!(rfc3339(row.updated_at)));
        }
        Value::Object(obj)
    }

    /// The JSON Resume item: mapped columns that have a value, then the
    /// fields kept verbatim. An empty required field is one the imported item
    /// did not have, so it is left out again.
    pub fn jr_item(&self, row: &Row) -> Value {
        let mut obj = row.extra.clone();
        for (col, v) in self.cols.iter().zip(&row.cells) {
            if !v.is_null() && v.as_str() != Some("") {
                obj.insert(col.jr.into(), v.clone());
            }
        }
        Value::Object(obj)
    }
}

fn opt(p: Patch<String>) -> Value {
    match p {
        Patch::Set(s) => Value::String(s),
        _ => Value::Null,
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub position: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub extra: Map<String, Value>,
    pub cells: Cells,
}

pub fn field_error(path: String, code: &'static str, message: &str) -> FieldError {
    FieldError::new(path, code, message)
}
