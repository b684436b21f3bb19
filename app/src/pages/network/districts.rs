//! `/districts/nouveau`: a platform administrator opens a European district profile.

use super::*;

/// `/districts/nouveau`: a platform administrator opens a district profile and invites its
/// manager, who completes the description, challenges and contact.
#[component]
pub fn DistrictNewPage() -> impl IntoView {
    let page = Frame::new(Key::NewDistrict).done(DONE);
    page.signed_in(Key::ErrSignInRequired, |lang, u| {
        let admin = crate::domain::policy::can(
            &u.viewer(),
            crate::domain::policy::Action::Invite,
            &crate::domain::policy::Resource::Platform,
        );
        if !admin {
            return view! { <ErrorView error=AppError::Forbidden/> }.into_any();
        }
        let field =
            |id, name, key, required| Field::new(id, name, key).required(required).view(lang);
        view! {
            <p class="lead">{t(lang, Key::NewDistrictLead)}</p>
            <form method="post" action="/districts/nouveau" class="card-form wide">
                <ProblemSummary/>
                {field("nd-name", "name", Key::DistrictName, true)}
                {field("nd-country", "country", Key::CountryCodeLabel, true)}
                {field("nd-nuts", "nuts_code", Key::NutsCodeLabel, true)}
                {field("nd-nace", "nace_divisions", Key::NaceDivisionsLabel, true)}
                {field("nd-spec-fr", "specialisation_fr", Key::SpecialisationFr, false)}
                {field("nd-spec-en", "specialisation_en", Key::SpecialisationEn, false)}
                {field("nd-language", "language", Key::DistrictLanguage, true)}
                {Field::new("nd-manager", "manager_email", Key::ManagerEmail).kind("email").required(true).view(lang)}
                <button type="submit">{t(lang, Key::CreateAndInvite)}</button>
            </form>
        }
        .into_any()
    })
}
