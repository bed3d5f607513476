from django.urls import path

from employers import views_stories, views_stories_public

app_name = "stories"

urlpatterns: list = [
    # Public (no login): published stories and FAQ, nationally and per region.
    path("", views_stories_public.story_list, name="list"),
    path("regio/<str:code>/", views_stories_public.region_stories, name="region"),
    path("vragen/", views_stories_public.faq, name="faq"),
    path("vragen/regio/<str:code>/", views_stories_public.region_faq, name="faq-region"),
    path("v/<slug:slug>/", views_stories_public.story_detail, name="detail"),
    path("v/<slug:slug>/beeld", views_stories_public.story_image, name="image"),
    # Staff: the region's advisers and coordinators write.
    path("beheer/", views_stories.ManageView.as_view(), name="manage"),
    path("beheer/nieuw/", views_stories.StoryWriteView.as_view(), name="story-create"),
    path("beheer/<int:pk>/", views_stories.StoryWriteView.as_view(), name="story-edit"),
    path("beheer/vragen/nieuw/", views_stories.FaqWriteView.as_view(), name="faq-create"),
    path("beheer/vragen/<int:pk>/", views_stories.FaqWriteView.as_view(), name="faq-edit"),
]
