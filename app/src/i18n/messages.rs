//! The interface's text, French then English, one line per key.
//!
//! The `messages!` table defines the `Key` enum and both texts together: adding a key without
//! both languages is a compile error, and `Key::ALL` lets tests walk every key.

macro_rules! messages {
    ($($key:ident => $fr:expr, $en:expr;)*) => {
        /// A piece of interface text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            /// Every key, for completeness tests.
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            /// The (French, English) texts.
            pub fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($fr, $en)),* }
            }
        }
    };
}

messages! {
    SkipToContent => "Aller au contenu", "Skip to content";
    MainNavigation => "Navigation principale", "Main navigation";
    NavHome => "Accueil", "Home";
    NavTerritories => "Territoires", "Territories";
    NavPoles => "Pôles de compétitivité", "Competitiveness clusters";
    NavDistricts => "Districts européens", "European districts";
    SwitchLanguage => "English", "Français";
    FooterProgramme => "Maillage, la plateforme collaborative du programme Territoires d'industrie : industriels, territoires, pôles et districts européens.", "Maillage, the collaborative platform of the Territoires d'industrie programme: manufacturers, territories, clusters and European districts.";
    FooterSources => "Données : ANCT, INSEE (COG, NAF), France Travail (ROME), Commission européenne (ESCO), Eurostat (NUTS), Cerema (Cartofriches). Licence Ouverte 2.0.", "Data: ANCT, INSEE (COG, NAF), France Travail (ROME), European Commission (ESCO), Eurostat (NUTS), Cerema (Cartofriches). Licence Ouverte 2.0.";
    Loading => "Chargement…", "Loading…";
    NotFoundTitle => "Page introuvable", "Page not found";
    NotFoundBody => "Cette adresse ne correspond à aucune page ou à aucun élément existant.", "This address does not match any page or existing item.";
    ForbiddenTitle => "Accès refusé", "Access denied";
    ForbiddenBody => "Vous n'avez pas les droits nécessaires pour voir cette page.", "You do not have the rights needed to see this page.";
    ErrorTitle => "Une erreur est survenue", "Something went wrong";
    ErrorBody => "Le service n'a pas pu répondre. Réessayez dans un instant ; si le problème persiste, signalez-le.", "The service could not answer. Try again in a moment; if the problem persists, please report it.";
    BackHome => "Retour à l'accueil", "Back to the home page";
    HomeTitle => "Maillage · Territoires d'industrie", "Maillage · Territoires d'industrie";
    HomeHeading => "Maillage : le réseau des Territoires d'industrie", "Maillage: the network of France's industrial territories";
    HomeLead => "Trouver des fournisseurs et sous-traitants près de chez soi, former des filières locales, échanger avec des districts industriels européens et faire remonter les demandes de simplification, du territoire jusqu'au niveau national.", "Find suppliers and subcontractors close by, build local supply chains, exchange with European industrial districts and send simplification requests up from the territory to the national level.";
    HomeSearchLabel => "Qui peut faire quoi, près de chez vous ?", "Who can do what, near you?";
    HomeSearchPlaceholder => "ex. usinage titane, injection plastique, EN 9100", "e.g. usinage titane, injection plastique, EN 9100";
    Search => "Rechercher", "Search";
    KeyFigures => "Chiffres clés", "Key figures";
    FigureTerritories => "Territoires d'industrie", "industrial territories";
    FigureEpci => "intercommunalités membres", "member intercommunalities";
    FigureCommunes => "communes", "municipalities";
    FigurePopulation => "habitants couverts", "inhabitants covered";
    FigurePoles => "pôles de compétitivité", "competitiveness clusters";
    FigureDistricts => "districts européens", "European districts";
    MapHeading => "Carte des Territoires d'industrie", "Map of the industrial territories";
    MapLabel => "Carte des Territoires d'industrie : chaque territoire est un lien vers sa page", "Map of the industrial territories: each territory links to its page";
    MapCaption => "Territoires d'industrie 2023-2027 (ANCT). Outre-mer en encarts.", "Territoires d'industrie 2023-2027 (ANCT). Overseas regions in insets.";
    SeeAllTerritories => "Voir la liste complète des territoires", "See the full list of territories";
    Guadeloupe => "Guadeloupe", "Guadeloupe";
    Martinique => "Martinique", "Martinique";
    Guyane => "Guyane", "French Guiana";
    Reunion => "La Réunion", "Réunion";
    Mayotte => "Mayotte", "Mayotte";
    TerritoriesTitle => "Territoires · Maillage", "Territories · Maillage";
    TerritoriesHeading => "Les Territoires d'industrie", "The industrial territories";
    TerritoriesLead => "Les 183 territoires labellisés pour 2023-2027, avec leurs intercommunalités.", "The 183 territories labelled for 2023-2027, with their intercommunalities.";
    FilterName => "Nom du territoire", "Territory name";
    FilterRegion => "Région", "Region";
    AllRegions => "Toutes les régions", "All regions";
    Filter => "Filtrer", "Filter";
    TerritoryCountOne => "territoire", "territory";
    TerritoryCountMany => "territoires", "territories";
    ColTerritory => "Territoire", "Territory";
    ColRegion => "Région", "Region";
    ColDepartments => "Départements", "Departments";
    ColEpci => "EPCI", "EPCI";
    ColPopulation => "Population", "Population";
    ColName => "Nom", "Name";
    ColKind => "Type", "Type";
    Breadcrumb => "Fil d'Ariane", "Breadcrumb";
    TerritoryId => "Identifiant", "Identifier";
    OutlineOf => "Contour du territoire", "Outline of the territory";
    MembersHeading => "Intercommunalités membres", "Member intercommunalities";
    PolesOfRegion => "Pôles de compétitivité de la région", "Competitiveness clusters of the region";
    NoPolesInRegion => "Aucun pôle de compétitivité n'a son siège dans cette région.", "No competitiveness cluster has its seat in this region.";
    BrownfieldsHeading => "Friches recensées", "Recorded brownfields";
    BrownfieldSites => "friches", "brownfield sites";
    BrownfieldCommunes => "communes concernées", "municipalities concerned";
    BrownfieldsSource => "Source : Cerema, Cartofriches (agrégat par commune).", "Source: Cerema, Cartofriches (per-municipality aggregate).";
    FirmsHeading => "Entreprises", "Firms";
    NoFirmsYet => "Aucune entreprise n'est encore référencée pour ce territoire.", "No firm is listed for this territory yet.";
    KindFirm => "Entreprise", "Firm";
    KindCluster => "Cluster", "Cluster";
    KindPole => "Pôle de compétitivité", "Competitiveness cluster";
    KindDistrict => "District industriel européen", "European industrial district";
    KindOperator => "Opérateur", "Operator";
    DemoBadge => "Données de démonstration", "Demonstration data";
    DescriptionInEnglish => "En anglais", "In English";
    Country => "Pays", "Country";
    Seat => "Siège", "Seat";
    NutsRegion => "Région NUTS", "NUTS region";
    Languages => "Langues", "Languages";
    Specialisations => "Spécialisations (divisions NAF/NACE)", "Specialisations (NACE divisions)";
    Themes => "Thèmes", "Themes";
    PolesTitle => "Pôles de compétitivité · Maillage", "Competitiveness clusters · Maillage";
    PolesHeading => "Pôles de compétitivité", "Competitiveness clusters (pôles de compétitivité)";
    PolesLead => "Les pôles de compétitivité réunissent entreprises, laboratoires et centres de formation autour de filières ; chacun est rattaché à la région de son siège.", "Competitiveness clusters bring firms, laboratories and training centres together around industries; each belongs to the region of its seat.";
    DistrictsTitle => "Districts européens · Maillage", "European districts · Maillage";
    DistrictsHeading => "Districts industriels européens", "European industrial districts";
    DistrictsLead => "Des districts et clusters industriels européens avec lesquels les territoires peuvent échanger leurs pratiques et nouer des partenariats.", "European industrial districts and clusters with which territories can exchange practices and build partnerships.";
    NoLandYet => "Aucun site foncier n'est encore référencé pour ce territoire.", "No land site is listed for this territory yet.";
    LandHeading => "Foncier industriel", "Industrial land";
    ChartDivisionsTitle => "Entreprises par division NAF", "Firms by NAF division";
    ChartDivisionsLabel => "Nombre d'entreprises par division NAF :", "Number of firms by NAF division:";
    ChartDivisionsCaption => "Nombre d'entreprises du territoire par division d'activité (NAF rév. 2).", "Number of the territory's firms by activity division (NAF rev. 2).";
    OtherDivisions => "autres divisions", "other divisions";
    SortBy => "Trier par :", "Sort by:";
    CommunesLabel => "Communes", "Municipalities";
    SortName => "nom", "name";
    SortCommune => "commune", "municipality";
    SortHeadcount => "effectif", "headcount";
    Commune => "Commune", "Municipality";
    NafActivity => "Activité (NAF)", "Activity (NAF)";
    Headcount => "Effectif", "Headcount";
    FirmPages => "Pages des entreprises", "Pages of firms";
    LandPages => "Pages des sites fonciers", "Pages of land sites";
    PreviousPage => "← Page précédente", "← Previous page";
    NextPage => "Page suivante →", "Next page →";
    Page => "Page", "Page";
    DemoShort => "démo", "demo";
    DemoNotice => "entreprises de démonstration sont affichées : elles sont générées et ne correspondent pas à des entreprises réelles.", "demonstration firms are shown: they are generated and do not describe real firms.";
    Turnkey => "Site clé en main", "Turnkey site";
    Area => "Surface", "Area";
    Status => "Statut", "Status";
    AvailableFrom => "Disponible à partir du", "Available from";
    StatusAvailable => "Disponible", "Available";
    StatusUnderOption => "Sous option", "Under option";
    StatusSold => "Vendu", "Sold";
    Reference => "Référence", "Reference";
    Zoning => "Zonage", "Zoning";
    RailAccess => "Desserte ferroviaire", "Rail access";
    PortAccess => "Accès portuaire", "Port access";
    MotorwayAccess => "Accès autoroutier", "Motorway access";
    PowerCapacity => "Puissance électrique disponible", "Available power";
    PriceRange => "Prix indicatif", "Indicative price";
    Contact => "Contact", "Contact";
    Yes => "Oui", "Yes";
    No => "Non", "No";
    Website => "Site web", "Website";
    PublicContact => "Contact public", "Public contact";
    Capabilities => "Savoir-faire", "Capabilities";
    Certifications => "Certifications", "Certifications";
    Markets => "Marchés servis", "Markets served";
    NavSearch => "Rechercher", "Search";
    SearchTitle => "Recherche · Maillage", "Search · Maillage";
    SearchHeading => "Rechercher dans le réseau", "Search the network";
    SearchLabel => "Savoir-faire, produit, entreprise, certification…", "Capability, product, firm, certification…";
    SearchPlaceholder => "ex. décolletage inox, moules, EN 9100", "e.g. décolletage inox, moules, EN 9100";
    NearLabel => "Près de (commune ou code INSEE)", "Near (municipality or INSEE code)";
    NearPlaceholder => "ex. Cluses ou 74081", "e.g. Cluses or 74081";
    RadiusLabel => "Rayon", "Radius";
    AnyDistance => "toute distance", "any distance";
    SortLabel => "Ordre", "Order";
    SortRelevance => "pertinence", "relevance";
    SortDistance => "distance", "distance";
    RemoveFilter => "retirer ce filtre", "remove this filter";
    Refine => "Affiner les résultats", "Refine the results";
    ResultOne => "résultat", "result";
    ResultMany => "résultats", "results";
    ResultMapLabel => "Carte des résultats de cette page", "Map of this page's results";
    ResultPages => "Pages de résultats", "Result pages";
    FacetKind => "Type", "Type";
    FacetDepartment => "Département", "Department";
    FacetNafSection => "Section NAF", "NAF section";
    FacetNafDivision => "Division NAF", "NAF division";
    FacetNafClass => "Classe NAF", "NAF class";
    FacetSiteLabel => "Foncier", "Land";
    KindLandSite => "Site foncier", "Land site";
}
