from django.urls import path

from committee import oparl

app_name = "oparl"

urlpatterns = [
    path("", oparl.system, name="system"),
    path("body/", oparl.body_list, name="body_list"),
    path("body/<int:pk>/", oparl.body_detail, name="body"),
    path("body/<int:pk>/organization/", oparl.body_organization, name="body_organization"),
    path("body/<int:pk>/person/", oparl.body_empty, name="body_person"),
    path("body/<int:pk>/legislativeTerm/", oparl.body_empty, name="body_legislativeterm"),
    path("body/<int:pk>/meeting/", oparl.body_meeting, name="body_meeting"),
    path("body/<int:pk>/paper/", oparl.body_paper, name="body_paper"),
    path("body/<int:pk>/agendaItem/", oparl.body_agendaitem, name="body_agendaitem"),
    path("body/<int:pk>/consultation/", oparl.body_consultation, name="body_consultation"),
    path("body/<int:pk>/file/", oparl.body_file, name="body_file"),
    path("organization/<int:pk>/", oparl.organization_detail, name="organization"),
    path("organization/<int:pk>/meeting/", oparl.organization_meeting, name="organization_meeting"),
    path("meeting/<int:pk>/", oparl.meeting_detail, name="meeting"),
    path("agendaItem/<int:pk>/", oparl.agendaitem_detail, name="agendaitem"),
    path("paper/<int:pk>/", oparl.paper_detail, name="paper"),
    path("consultation/<int:pk>/", oparl.consultation_detail, name="consultation"),
    path("file/<str:key>/", oparl.file_detail, name="file"),
    path("file/<str:key>/download/", oparl.file_download, name="file_download"),
]
