//! Needs and offers ("annonces"), expressions of interest between organisations, and the
//! matches already told to a need's author (so a digest only tells what is new).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Need {
    Table,
    Id,
    Kind,
    Title,
    Description,
    NafCodes,
    Skills,
    Certifications,
    Quantity,
    CommuneInsee,
    RadiusKm,
    Deadline,
    Visibility,
    Status,
    Size,
    LandAreaHa,
    AuthorKind,
    AuthorId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
    IsDemo,
}

#[derive(DeriveIden, Clone, Copy)]
enum Interest {
    Table,
    Id,
    NeedId,
    FromKind,
    FromId,
    ToKind,
    ToId,
    UserId,
    Message,
    Status,
    Reason,
    AnsweredBy,
    CreatedAt,
    AnsweredAt,
    ClosedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum NeedMatchSeen {
    Table,
    NeedId,
    OrganisationId,
    At,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}
fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().default("").to_owned()
}
fn list(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .text()
        .not_null()
        .default("[]")
        .to_owned()
}
fn short(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(64).not_null().to_owned()
}
fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}
fn maybe(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Need::Table)
                    .col(id(Need::Id))
                    .col(short(Need::Kind))
                    .col(text(Need::Title))
                    .col(text(Need::Description))
                    .col(list(Need::NafCodes))
                    .col(list(Need::Skills))
                    .col(list(Need::Certifications))
                    .col(text(Need::Quantity))
                    .col(ColumnDef::new(Need::CommuneInsee).string_len(5).null())
                    .col(
                        ColumnDef::new(Need::RadiusKm)
                            .double()
                            .not_null()
                            .default(50.0),
                    )
                    .col(text(Need::Deadline))
                    .col(short(Need::Visibility))
                    .col(short(Need::Status))
                    .col(text(Need::Size))
                    .col(ColumnDef::new(Need::LandAreaHa).double().null())
                    .col(short(Need::AuthorKind))
                    .col(short(Need::AuthorId))
                    .col(maybe(Need::CreatedBy))
                    .col(time(Need::CreatedAt))
                    .col(time(Need::UpdatedAt))
                    .col(maybe(Need::ClosedAt))
                    .col(
                        ColumnDef::new(Need::IsDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_need_author")
                    .table(Need::Table)
                    .col(Need::AuthorKind)
                    .col(Need::AuthorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Interest::Table)
                    .col(id(Interest::Id))
                    .col(ColumnDef::new(Interest::NeedId).big_integer().not_null())
                    .col(short(Interest::FromKind))
                    .col(short(Interest::FromId))
                    .col(short(Interest::ToKind))
                    .col(short(Interest::ToId))
                    .col(ColumnDef::new(Interest::UserId).big_integer().not_null())
                    .col(text(Interest::Message))
                    .col(short(Interest::Status))
                    .col(text(Interest::Reason))
                    .col(maybe(Interest::AnsweredBy))
                    .col(time(Interest::CreatedAt))
                    .col(maybe(Interest::AnsweredAt))
                    .col(maybe(Interest::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Interest::Table, Interest::NeedId)
                            .to(Need::Table, Need::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_interest_need", [Interest::NeedId, Interest::Status]),
            ("idx_interest_from", [Interest::FromKind, Interest::FromId]),
            ("idx_interest_to", [Interest::ToKind, Interest::ToId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Interest::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(NeedMatchSeen::Table)
                    .col(
                        ColumnDef::new(NeedMatchSeen::NeedId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(NeedMatchSeen::OrganisationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(NeedMatchSeen::At))
                    .primary_key(
                        Index::create()
                            .col(NeedMatchSeen::NeedId)
                            .col(NeedMatchSeen::OrganisationId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NeedMatchSeen::Table.into_iden(),
            Interest::Table.into_iden(),
            Need::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
